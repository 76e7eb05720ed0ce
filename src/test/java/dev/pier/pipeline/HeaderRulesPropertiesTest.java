package dev.pier.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.config.HeaderRuleSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Set, then remove: whatever the rules and the headers, each side of a route's header rules does just that. */
class HeaderRulesPropertiesTest {

    /** What a rule does with one name. */
    private enum Role { SET, REMOVE, NONE }

    /** Rules over some names, and the fields a request or an answer had before the stage. */
    record Case(HeaderRuleSettings rules, List<Map.Entry<String, String>> fields) {
    }

    @Property
    void afterTheStageEverySetHeaderHasItsValueEveryRemovedOneIsGoneAndTheRestIsUntouched(
            @ForAll("cases") Case example, @ForAll boolean responseSide) {
        HeaderRulesStage stage = responseSide
                ? new HeaderRulesStage(HeaderRuleSettings.NONE, example.rules())
                : new HeaderRulesStage(example.rules(), HeaderRuleSettings.NONE);
        FakeHeaders headers = new FakeHeaders();
        example.fields().forEach(field -> headers.add(field.getKey(), field.getValue()));
        RequestContext context = FakeRequest.from("10.0.0.1").context();
        if (responseSide) {
            stage.onResponse(context, 200, headers);
        } else {
            stage.onForward(context, headers);
        }

        Map<String, String> set = lowerCaseKeys(example.rules().set());
        List<String> removed = example.rules().remove().stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
        for (Map.Entry<String, String> header : example.rules().set().entrySet()) {
            assertThat(headers.values(header.getKey())).containsExactly(header.getValue());
        }
        for (String name : example.rules().remove()) {
            assertThat(headers.values(name)).isEmpty();
        }
        for (Map.Entry<String, String> field : example.fields()) {
            String name = field.getKey().toLowerCase(Locale.ROOT);
            if (!set.containsKey(name) && !removed.contains(name)) {
                assertThat(headers.values(name)).isEqualTo(valuesOf(example.fields(), name));
            }
        }
        // Nothing else appears.
        assertThat(headers.fields()).allSatisfy(field -> assertThat(
                set.containsKey(field.getKey().toLowerCase(Locale.ROOT))
                        || !valuesOf(example.fields(), field.getKey()).isEmpty()).isTrue());
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<List<String>> names = Arbitraries.strings().withChars("abxyz-_.!~").ofMinLength(1).ofMaxLength(5)
                .set().ofMaxSize(8).map(ArrayList::new);
        return names.flatMap(distinct -> Combinators.combine(
                Arbitraries.of(Role.values()).list().ofSize(distinct.size()),
                casings(distinct.size()),
                values().list().ofSize(distinct.size()),
                field(distinct).list().ofMaxSize(12)
        ).as((roles, casing, values, fields) -> {
            Map<String, String> set = new HashMap<>();
            List<String> remove = new ArrayList<>();
            for (int i = 0; i < distinct.size(); i++) {
                String name = casing.get(i) ? distinct.get(i).toUpperCase(Locale.ROOT) : distinct.get(i);
                switch (roles.get(i)) {
                    case SET -> set.put(name, values.get(i));
                    case REMOVE -> remove.add(name);
                    case NONE -> { }
                }
            }
            return new Case(new HeaderRuleSettings(set, remove), fields);
        }));
    }

    private static Arbitrary<List<Boolean>> casings(int size) {
        return Arbitraries.of(true, false).list().ofSize(size);
    }

    private static Arbitrary<String> values() {
        return Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(8);
    }

    /** A field of one of {@code names} (in either case, or of a name no rule has), with any value. */
    private static Arbitrary<Map.Entry<String, String>> field(List<String> names) {
        Arbitrary<String> name = names.isEmpty() ? Arbitraries.just("Other")
                : Arbitraries.oneOf(Arbitraries.of(names), Arbitraries.of(names).map(n -> n.toUpperCase(Locale.ROOT)),
                Arbitraries.just("Other"));
        return Combinators.combine(name, values()).as(Map::entry);
    }

    private static Map<String, String> lowerCaseKeys(Map<String, String> map) {
        Map<String, String> lower = new HashMap<>();
        map.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        return lower;
    }

    private static List<String> valuesOf(List<Map.Entry<String, String>> fields, String name) {
        return fields.stream().filter(f -> f.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
    }
}
