package org.gendiv.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

import org.gendiv.core.dist.Group;
import org.gendiv.kernels.GendivException;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** The gendiv command line: {@code ./gendiv <command>}. */
@Command(name = "gendiv", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "RLHF kernels, trainer and the generalisation/diversity study on the JVM.",
        subcommands = {StudyCommand.class, LaunchCommand.class, EvaluateCommand.class, SweepCommand.class, WorldCommand.class, SelftestCommand.class, TrainCommand.class, GenerateCommand.class, BonCommand.class,
            DiversityCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Tests: ./gendiv test runs the whole suite (CMake, ctest, JUnit)."})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with gendiv's error handling: a user's mistake is one line naming what is wrong. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException || e instanceof IOException
                    || e instanceof GendivException) {
                cmd.getErr().println("gendiv " + cmd.getCommandName() + ": " + message(e));
                return 2;
            }
            if (e instanceof Group.Failed) {  // a peer rank died or hung: not this input's fault
                cmd.getErr().println("gendiv " + cmd.getCommandName() + ": " + e.getMessage());
                return 1;
            }
            throw e;
        });
        cl.getSubcommands().get("launch").setStopAtPositional(true);  // launch's options end where the workers' command begins
        return cl;
    }

    private static String message(Exception e) {
        if (e instanceof NoSuchFileException n) return n.getFile() + ": no such file";
        if (e instanceof FileSystemException f) {
            String why = f.getReason() != null ? f.getReason() : switch (f) {
                case NotDirectoryException x -> "not a directory";
                case FileAlreadyExistsException x -> "already exists (and is not a directory)";
                case AccessDeniedException x -> "permission denied";
                case DirectoryNotEmptyException x -> "directory not empty";
                default -> f.getClass().getSimpleName();
            };
            return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + why;
        }
        if (e instanceof CharacterCodingException) return "a file is not valid UTF-8 (" + e + ")";
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"gendiv " + (v == null ? "0.1.0-SNAPSHOT" : v)};
        }
    }
}
