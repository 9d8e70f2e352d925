package org.gendiv.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.gendiv.core.checkpoint.HfConfig;
import org.gendiv.core.checkpoint.Safetensors;
import org.gendiv.core.model.GptConfig;
import org.gendiv.core.model.Rope;
import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * config.json keys that change the math: read in both of transformers' forms, or refused with a
 * one-line error naming the key. (TransformersParityTest checks the math itself against
 * transformers.)
 */
class HfConfigTest {
    static final String LLAMA = "{\"model_type\": \"%s\", \"vocab_size\": 48, \"hidden_size\": 16, \"intermediate_size\": 24, "
            + "\"num_hidden_layers\": 2, \"num_attention_heads\": 2, \"num_key_value_heads\": 1, "
            + "\"max_position_embeddings\": 64%s}";

    static GptConfig parse(String type, String extra) {
        return HfConfig.parse(JsonParser.parseString(String.format(LLAMA, type, extra)).getAsJsonObject(), "config.json");
    }

    static String refusal(String type, String extra) {
        return assertThrows(Safetensors.BadCheckpoint.class, () -> parse(type, extra)).getMessage();
    }

    @Test
    void ropeBaseFromEitherForm() {
        assertEquals(Rope.plain(1e6), parse("qwen2", ", \"rope_parameters\": {\"rope_type\": \"default\", \"rope_theta\": 1000000.0}").arch().rope());
        assertEquals(Rope.plain(5e5), parse("llama", ", \"rope_theta\": 500000.0").arch().rope());
        assertEquals(Rope.plain(Rope.DEFAULT_THETA), parse("llama", "").arch().rope());
        // 4.x: rope_scaling with "type", the base at the top level
        assertEquals(Rope.linear(500, 2), parse("llama", ", \"rope_theta\": 500.0, \"rope_scaling\": {\"type\": \"linear\", \"factor\": 2.0}").arch().rope());
        // llama3: original_max_position_embeddings at the top level wins, as transformers reads it
        Rope r = parse("llama", ", \"original_max_position_embeddings\": 32, \"rope_parameters\": {\"rope_type\": \"llama3\", "
                + "\"factor\": 8, \"low_freq_factor\": 1, \"high_freq_factor\": 4, \"original_max_position_embeddings\": 16}").arch().rope();
        assertEquals(32, r.originalContext());
        // yarn's default attention factor: 0.1 ln(factor) + 1
        r = parse("llama", ", \"rope_parameters\": {\"rope_type\": \"yarn\", \"factor\": 4, \"original_max_position_embeddings\": 16}").arch().rope();
        assertEquals(0.1 * Math.log(4) + 1, r.attentionFactor(), 1e-12);
        assertEquals(32, r.betaFast());
    }

    @Test
    void unimplementedRotaryFormsAreRefusedByKey() {
        assertTrue(refusal("llama", ", \"rope_parameters\": {\"rope_type\": \"longrope\", \"short_factor\": [1], \"long_factor\": [2]}")
                .contains("rope_parameters.rope_type = longrope"));
        assertTrue(refusal("llama", ", \"rope_scaling\": {\"type\": \"linear\", \"factor\": 2, \"scale\": 3}")
                .contains("rope_scaling.scale = 3"));
        assertTrue(refusal("llama", ", \"partial_rotary_factor\": 0.5").contains("partial_rotary_factor = 0.5"));
        assertTrue(refusal("llama", ", \"rope_parameters\": {\"full_attention\": {\"rope_type\": \"default\"}}")
                .contains("rope_parameters.full_attention"));
        assertTrue(refusal("llama", ", \"rope_parameters\": {\"rope_type\": \"linear\"}").contains("rope_parameters.factor is missing"));
        assertTrue(refusal("llama", ", \"rope_parameters\": {\"rope_type\": \"linear\", \"factor\": 0.5}").contains("factor must be >= 1"));
    }

    @Test
    void slidingWindowsAsEachFamilyReadsThem() {
        assertEquals(List.of(4, 4), parse("mistral", ", \"sliding_window\": 4").arch().windows());
        assertEquals(List.of(), parse("mistral", ", \"sliding_window\": null").arch().windows());
        assertEquals(List.of(), parse("llama", ", \"sliding_window\": 4").arch().windows(), "LLaMA has none (transformers ignores it)");
        assertEquals(List.of(), parse("qwen2", ", \"sliding_window\": 4, \"use_sliding_window\": false").arch().windows());
        assertEquals(List.of(0, 4), parse("qwen2", ", \"sliding_window\": 4, \"use_sliding_window\": true, \"max_window_layers\": 1").arch().windows());
        assertEquals(List.of(4, 0), parse("qwen2", ", \"sliding_window\": 4, \"use_sliding_window\": true, "
                + "\"layer_types\": [\"sliding_attention\", \"full_attention\"]").arch().windows());
        assertTrue(refusal("qwen2", ", \"sliding_window\": 4, \"use_sliding_window\": true, \"layer_types\": [\"full_attention\"]")
                .contains("layer_types"));
        assertTrue(refusal("mistral", ", \"sliding_window\": 0").contains("sliding_window = 0"));
    }

    @Test
    void numbersMustBeJsonNumbers() {
        var e = assertThrows(Safetensors.BadCheckpoint.class, () -> HfConfig.parse(JsonParser.parseString(
                String.format(LLAMA, "llama", "").replace("\"num_hidden_layers\": 2", "\"num_hidden_layers\": \"2\"")).getAsJsonObject(),
                "config.json"));
        assertEquals("config.json: key num_hidden_layers must be an integer, got \"2\"", e.getMessage());
        assertTrue(refusal("llama", ", \"rms_norm_eps\": \"1e-5\"").contains("key rms_norm_eps must be a number"));
        assertTrue(refusal("llama", ", \"intermediate_size\": 1e12").contains("key intermediate_size must be an integer"));
    }

    @Test
    void gpt2KeysThatChangeTheMath() {
        String base = "{\"model_type\": \"gpt2\", \"vocab_size\": 48, \"n_positions\": 32, \"n_embd\": 16, \"n_layer\": 2, \"n_head\": 4%s}";
        JsonObject untied = JsonParser.parseString(String.format(base, ", \"tie_word_embeddings\": false")).getAsJsonObject();
        assertEquals(false, HfConfig.parse(untied, "config.json").arch().tiedHead());
        for (String bad : List.of("\"scale_attn_weights\": false", "\"scale_attn_by_inverse_layer_idx\": true")) {
            JsonObject c = JsonParser.parseString(String.format(base, ", " + bad)).getAsJsonObject();
            var e = assertThrows(Safetensors.BadCheckpoint.class, () -> HfConfig.parse(c, "config.json"));
            assertTrue(e.getMessage().startsWith("config.json: " + bad.substring(1, bad.indexOf("\"", 1))), e.getMessage());
        }
    }
}
