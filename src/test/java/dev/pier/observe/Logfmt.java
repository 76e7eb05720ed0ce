package dev.pier.observe;

import java.util.LinkedHashMap;
import java.util.Map;

/** Reads a logfmt line back into its fields, in order (quoted values unescaped). */
final class Logfmt {

    private Logfmt() {
    }

    static Map<String, String> parse(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        int i = 0;
        while (i < line.length()) {
            int equals = line.indexOf('=', i);
            String key = line.substring(i, equals);
            StringBuilder value = new StringBuilder();
            int j = equals + 1;
            if (j < line.length() && line.charAt(j) == '"') {
                for (j++; line.charAt(j) != '"'; j++) {
                    char c = line.charAt(j);
                    if (c == '\\') {
                        char next = line.charAt(++j);
                        value.append(switch (next) {
                            case 'n' -> '\n';
                            case 't' -> '\t';
                            case 'r' -> '\r';
                            default -> next;
                        });
                    } else {
                        value.append(c);
                    }
                }
                j++;
            } else {
                for (; j < line.length() && line.charAt(j) != ' '; j++) {
                    value.append(line.charAt(j));
                }
            }
            fields.put(key, value.toString());
            i = j + 1;
        }
        return fields;
    }
}
