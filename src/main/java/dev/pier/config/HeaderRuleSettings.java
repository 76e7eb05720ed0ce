package dev.pier.config;

import java.util.List;
import java.util.Map;

/**
 * The header rules of one side of a route's exchanges ({@code request-headers} or {@code response-headers}): the
 * headers to set, each replacing every field of its name, and the names to remove. Names are valid tokens, values
 * printable, no name is both set and removed, and none is a header Pier writes itself (validated). Immutable.
 *
 * @param set value by header name
 * @param remove header names
 */
public record HeaderRuleSettings(Map<String, String> set, List<String> remove) {

    /** No rules. */
    public static final HeaderRuleSettings NONE = new HeaderRuleSettings(Map.of(), List.of());

    public HeaderRuleSettings {
        set = Map.copyOf(set);
        remove = List.copyOf(remove);
    }

    /** Whether these rules change nothing. */
    public boolean isEmpty() {
        return set.isEmpty() && remove.isEmpty();
    }
}
