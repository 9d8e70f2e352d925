package org.gendiv.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.gendiv.kernels.ffm.gendiv_h;
import org.gendiv.kernels.jni.GendivLibrary;
import org.junit.jupiter.api.Test;

/**
 * native/include/gendiv.h is the contract: the committed FFM binding (jextract's shape) and the
 * JavaCPP binding must have every function with the same signature, and every struct with the
 * same fields at the same offsets. Adding or changing a function without its bindings fails here.
 */
class BindingTest {
    record CFunction(String ret, String name, List<String> paramTypes) {}

    record CField(String type, String name) {}

    static String header() throws IOException {
        Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        while (root != null && !Files.exists(root.resolve("native/include/gendiv.h"))) root = root.getParent();
        if (root == null) throw new IllegalStateException("native/include/gendiv.h not found above " + System.getProperty("user.dir"));
        String h = Files.readString(root.resolve("native/include/gendiv.h"));
        return h.replaceAll("(?s)/\\*.*?\\*/", "");
    }

    static List<CFunction> functions() throws IOException {
        List<CFunction> out = new ArrayList<>();
        Matcher m = Pattern.compile("GD_API\\s+([\\w\\s*]+?)\\s*(\\w+)\\s*\\(([^)]*)\\)\\s*;").matcher(header());
        while (m.find()) {
            List<String> types = new ArrayList<>();
            for (String p : m.group(3).split(",")) {
                String t = p.trim().replaceAll("\\s+", " ");
                if (t.isEmpty() || t.equals("void")) continue;
                types.add(t.replaceAll("\\s*\\w+$", "").trim());
            }
            out.add(new CFunction(m.group(1).trim(), m.group(2), types));
        }
        return out;
    }

    static Map<String, List<CField>> structs() throws IOException {
        Map<String, List<CField>> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("typedef struct (\\w+) \\{([^}]*)\\}").matcher(header());
        while (m.find()) {
            List<CField> fields = new ArrayList<>();
            for (String f : m.group(2).split(";")) {
                String t = f.trim().replaceAll("\\s+", " ");
                if (t.isEmpty()) continue;
                int sp = t.lastIndexOf(' ');
                fields.add(new CField(t.substring(0, sp).trim(), t.substring(sp + 1)));
            }
            out.put(m.group(1), fields);
        }
        return out;
    }

    static MemoryLayout layoutOf(String cType) {
        String t = cType.replace("const", "").trim();
        if (t.contains("*")) return ValueLayout.ADDRESS;
        return switch (t) {
            case "int32_t", "gd_status" -> ValueLayout.JAVA_INT;
            case "int64_t", "uint64_t" -> ValueLayout.JAVA_LONG;
            case "float" -> ValueLayout.JAVA_FLOAT;
            default -> throw new AssertionError("unmapped C type " + cType);
        };
    }

    static Class<?> javaOf(String cType) {
        String t = cType.replace("const", "").trim();
        if (t.contains("*")) return Object.class;  // some Pointer
        return switch (t) {
            case "int32_t", "gd_status" -> int.class;
            case "int64_t", "uint64_t" -> long.class;
            case "float" -> float.class;
            case "void" -> void.class;
            default -> throw new AssertionError("unmapped C type " + cType);
        };
    }

    static boolean sameCarrier(MemoryLayout a, MemoryLayout b) {
        return a instanceof ValueLayout va && b instanceof ValueLayout vb && va.carrier() == vb.carrier()
                && va.byteSize() == vb.byteSize();
    }

    @Test
    void headerDeclaresTheKernels() throws IOException {
        var names = functions().stream().map(CFunction::name).toList();
        for (String k : new String[] {"gd_sample", "gd_token_logprobs", "gd_kl_per_token", "gd_kl_rewards",
            "gd_kl_exact", "gd_ppo_loss", "gd_value_loss", "gd_gae", "gd_masked_whiten", "gd_last_error"})
            assertTrue(names.contains(k), k + " missing from the header parse: " + names);
    }

    @Test
    void ffmBindingHasEveryFunctionWithItsSignature() throws Exception {
        for (CFunction f : functions()) {
            Method m;
            try {
                m = gendiv_h.class.getMethod(f.name() + "$descriptor");
            } catch (NoSuchMethodException e) {
                throw new AssertionError("FFM binding lacks " + f.name());
            }
            FunctionDescriptor d = (FunctionDescriptor) m.invoke(null);
            assertEquals(f.paramTypes().size(), d.argumentLayouts().size(), f.name() + " arity");
            for (int i = 0; i < f.paramTypes().size(); i++)
                assertTrue(sameCarrier(layoutOf(f.paramTypes().get(i)), d.argumentLayouts().get(i)),
                        f.name() + " argument " + i + ": header " + f.paramTypes().get(i) + ", FFM "
                                + d.argumentLayouts().get(i));
            if (f.ret().equals("void")) assertTrue(d.returnLayout().isEmpty(), f.name() + " returns void");
            else assertTrue(sameCarrier(layoutOf(f.ret()), d.returnLayout().orElseThrow()), f.name() + " return type");
        }
    }

    @Test
    void ffmStructsMatchTheHeader() throws Exception {
        for (var e : structs().entrySet()) {
            Class<?> c = Class.forName("org.gendiv.kernels.ffm." + e.getKey());
            GroupLayout layout = (GroupLayout) c.getMethod("layout").invoke(null);
            long offset = 0;
            for (CField f : e.getValue()) {
                MemoryLayout want = layoutOf(f.type());
                offset = (offset + want.byteSize() - 1) / want.byteSize() * want.byteSize();  // C alignment
                var path = MemoryLayout.PathElement.groupElement(f.name());
                assertEquals(offset, layout.byteOffset(path), e.getKey() + "." + f.name() + " offset");
                assertTrue(sameCarrier(want, layout.select(path)), e.getKey() + "." + f.name() + " type");
                offset += want.byteSize();
            }
        }
    }

    @Test
    void javacppBindingHasEveryFunctionWithItsSignature() throws IOException {
        Map<String, Method> natives = new LinkedHashMap<>();
        for (Method m : GendivLibrary.class.getDeclaredMethods())
            if (Modifier.isNative(m.getModifiers()) && Modifier.isStatic(m.getModifiers())) natives.put(m.getName(), m);
        for (CFunction f : functions()) {
            Method m = natives.remove(f.name());
            assertTrue(m != null, "JavaCPP binding lacks " + f.name());
            assertEquals(f.paramTypes().size(), m.getParameterCount(), f.name() + " arity");
            for (int i = 0; i < f.paramTypes().size(); i++) {
                Class<?> want = javaOf(f.paramTypes().get(i));
                Class<?> got = m.getParameterTypes()[i];
                assertTrue(want == Object.class ? org.bytedeco.javacpp.Pointer.class.isAssignableFrom(got) : want == got,
                        f.name() + " argument " + i + ": header " + f.paramTypes().get(i) + ", JavaCPP " + got);
            }
        }
        assertFalse(!natives.isEmpty(), "JavaCPP binding has functions the header lacks: " + natives.keySet());
    }
}
