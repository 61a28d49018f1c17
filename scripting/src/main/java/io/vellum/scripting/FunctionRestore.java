package io.vellum.scripting;

import io.vellum.core.command.CommandError;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** FUNCTION RESTORE's policies (Redis's functionRestoreCommand and libraryJoin). */
final class FunctionRestore {
    private FunctionRestore() {
    }

    static void apply(FunctionLibraries libs, List<byte[]> codes, String policy) {
        // Load everything first: a payload that does not load changes nothing.
        Map<String, FunctionLibraries.Library> loaded = new LinkedHashMap<>();
        Map<String, String> functionOwner = new LinkedHashMap<>();
        for (byte[] code : codes) {
            FunctionLibraries.Library l = libs.compileAndRun(code);
            if (loaded.containsKey(l.name)) {
                throw new CommandError("ERR Library '" + l.name + "' already exists");
            }
            for (String f : l.functions.keySet()) {
                if (functionOwner.putIfAbsent(f, l.name) != null) {
                    throw new CommandError("ERR Function " + f + " already exists");
                }
            }
            loaded.put(l.name, l);
        }
        if (policy.equals("flush")) {
            libs.clear();
            loaded.values().forEach(libs::link);
            return;
        }
        boolean replace = policy.equals("replace");
        List<FunctionLibraries.Library> replaced = new ArrayList<>();
        for (FunctionLibraries.Library l : loaded.values()) {
            FunctionLibraries.Library old = libs.libraries().get(l.name);
            if (old != null) {
                if (!replace) {
                    restore(libs, replaced);
                    throw new CommandError("ERR Library " + l.name + " already exists");
                }
                libs.unlink(old);
                replaced.add(old);
            }
        }
        for (FunctionLibraries.Library l : loaded.values()) {
            for (String f : l.functions.keySet()) {
                if (libs.function(f) != null) {
                    restore(libs, replaced);
                    throw new CommandError("ERR Function " + f + " already exists");
                }
            }
        }
        loaded.values().forEach(libs::link);
    }

    private static void restore(FunctionLibraries libs, List<FunctionLibraries.Library> replaced) {
        replaced.forEach(libs::link);
    }
}
