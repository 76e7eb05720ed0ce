package dev.pier.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Header fields in a list, case-insensitive by name, as a backend request or a client answer holds them. */
final class FakeHeaders implements HeaderEditor {

    private final List<Map.Entry<String, String>> fields = new ArrayList<>();

    /** These headers with one more field. */
    FakeHeaders with(String name, String value) {
        add(name, value);
        return this;
    }

    @Override
    public void set(String name, String value) {
        remove(name);
        add(name, value);
    }

    @Override
    public void add(String name, String value) {
        fields.add(Map.entry(name, value));
    }

    @Override
    public void remove(String name) {
        fields.removeIf(field -> field.getKey().equalsIgnoreCase(name));
    }

    /** The values of {@code name}, in order. */
    List<String> values(String name) {
        return fields.stream().filter(field -> field.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                .toList();
    }

    /** Every field, in order. */
    List<Map.Entry<String, String>> fields() {
        return List.copyOf(fields);
    }
}
