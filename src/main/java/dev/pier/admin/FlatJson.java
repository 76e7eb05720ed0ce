package dev.pier.admin;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a flat JSON object, such as {@code {"backend": "127.0.0.1:9001", "weight": 3}}: string, number, boolean
 * and null members, each value as its text (null as absent). Nested objects and arrays are refused, since no
 * admin endpoint takes one. Each instance reads one text, confined to the caller's thread.
 */
final class FlatJson {

    private final String text;
    private int at;

    private FlatJson(String text) {
        this.text = text;
    }

    /**
     * @throws IllegalArgumentException naming the character where the text stops being such an object
     */
    static Map<String, String> parse(String text) {
        return new FlatJson(text).object();
    }

    private Map<String, String> object() {
        Map<String, String> members = new LinkedHashMap<>();
        skipSpace();
        expect('{');
        skipSpace();
        if (peek() == '}') {
            at++;
        } else {
            while (true) {
                skipSpace();
                String name = string();
                skipSpace();
                expect(':');
                skipSpace();
                String value = value();
                if (members.containsKey(name)) {
                    throw problem("member \"" + name + "\" given twice");
                }
                if (value != null) {
                    members.put(name, value);
                }
                skipSpace();
                char c = next();
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    at--;
                    throw problem("expected ',' or '}'");
                }
            }
        }
        skipSpace();
        if (at != text.length()) {
            throw problem("expected the end of the body");
        }
        return members;
    }

    private String value() {
        char c = peek();
        if (c == '"') {
            return string();
        }
        if (c == '{' || c == '[') {
            throw problem("nested objects and arrays are not accepted (expected: a string, number or boolean)");
        }
        int start = at;
        while (at < text.length() && "+-.0123456789eEtrufalsn".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
        String word = text.substring(start, at);
        if (word.equals("null")) {
            return null;
        }
        if (word.equals("true") || word.equals("false") || word.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
            return word;
        }
        at = start;
        throw problem("expected a string, number, boolean or null");
    }

    private String string() {
        expect('"');
        StringBuilder value = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return value.toString();
            }
            if (c < 0x20) {
                at--;
                throw problem("control character in a string");
            }
            if (c != '\\') {
                value.append(c);
                continue;
            }
            char escaped = next();
            switch (escaped) {
                case '"', '\\', '/' -> value.append(escaped);
                case 'b' -> value.append('\b');
                case 'f' -> value.append('\f');
                case 'n' -> value.append('\n');
                case 'r' -> value.append('\r');
                case 't' -> value.append('\t');
                case 'u' -> {
                    if (at + 4 > text.length()) {
                        throw problem("incomplete \\u escape");
                    }
                    try {
                        value.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                    } catch (NumberFormatException e) {
                        throw problem("bad \\u escape");
                    }
                    at += 4;
                }
                default -> {
                    at--;
                    throw problem("unknown escape \\" + escaped);
                }
            }
        }
    }

    private void expect(char wanted) {
        if (peek() != wanted) {
            throw problem("expected '" + wanted + "'");
        }
        at++;
    }

    private char peek() {
        return at < text.length() ? text.charAt(at) : '\0';
    }

    private char next() {
        if (at >= text.length()) {
            throw problem("unexpected end of the body");
        }
        return text.charAt(at++);
    }

    private void skipSpace() {
        while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
            at++;
        }
    }

    private IllegalArgumentException problem(String what) {
        return new IllegalArgumentException("JSON body, character " + (at + 1) + ": " + what);
    }
}
