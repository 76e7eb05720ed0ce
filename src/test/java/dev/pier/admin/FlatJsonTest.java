package dev.pier.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class FlatJsonTest {

    @Test
    void stringsNumbersAndBooleansAreReadAsTheirTextAndNullAsAbsent() {
        assertThat(FlatJson.parse(" { \"backend\" : \"127.0.0.1:9001\", \"weight\": 3, \"x\": true, \"y\": null,"
                + " \"z\": -1.5e3 } ")).containsExactly(Map.entry("backend", "127.0.0.1:9001"), Map.entry("weight", "3"),
                Map.entry("x", "true"), Map.entry("z", "-1.5e3"));
        assertThat(FlatJson.parse("{}")).isEmpty();
    }

    @Test
    void escapesAreDecoded() {
        assertThat(FlatJson.parse("{\"route\":\"\\/api\\u0041\\\"\\\\\\n\"}")).containsEntry("route", "/apiA\"\\\n");
    }

    @Test
    void whatIsNotAFlatObjectIsRefusedNamingTheCharacter() {
        assertThatThrownBy(() -> FlatJson.parse("{\"a\": {\"b\": 1}}"))
                .hasMessage("JSON body, character 7: nested objects and arrays are not accepted "
                        + "(expected: a string, number or boolean)");
        assertThatThrownBy(() -> FlatJson.parse("{\"a\": 1,}")).hasMessage("JSON body, character 9: expected '\"'");
        assertThatThrownBy(() -> FlatJson.parse("{\"a\": 1} x")).hasMessage("JSON body, character 10: expected the end of the body");
        assertThatThrownBy(() -> FlatJson.parse("{\"a\": 1, \"a\": 2}")).hasMessageContaining("member \"a\" given twice");
        assertThatThrownBy(() -> FlatJson.parse("{\"a\": drain}")).hasMessage("JSON body, character 7: expected a string, number, boolean or null");
        assertThatThrownBy(() -> FlatJson.parse("{\"a\": \"x")).hasMessageContaining("unexpected end of the body");
        assertThatThrownBy(() -> FlatJson.parse("backend=x")).hasMessage("JSON body, character 1: expected '{'");
    }
}
