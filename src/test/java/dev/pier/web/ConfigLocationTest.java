package dev.pier.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLocationTest {

    @Test
    void environmentVariableWinsOverSystemPropertyWhichWinsOverInitParameter() {
        assertThat(ConfigLocation.find(Map.of("PIER_CONFIG", "/env.conf"), k -> "/prop.conf", k -> "/init.conf"))
                .isEqualTo(Path.of("/env.conf"));
        assertThat(ConfigLocation.find(Map.of(), k -> "/prop.conf", k -> "/init.conf"))
                .isEqualTo(Path.of("/prop.conf"));
        assertThat(ConfigLocation.find(Map.of("PIER_CONFIG", " "), k -> null, k -> "/init.conf"))
                .isEqualTo(Path.of("/init.conf"));
    }

    @Test
    void nothingGivenNamesTheThreeWays() {
        assertThatThrownBy(() -> ConfigLocation.find(Map.of(), k -> null, k -> null))
                .hasMessageContaining("PIER_CONFIG").hasMessageContaining("pier.config system property")
                .hasMessageContaining("pier.config context init-parameter");
    }
}
