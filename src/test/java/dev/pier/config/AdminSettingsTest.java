package dev.pier.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminSettingsTest {

    @TempDir
    Path directory;

    private Path write(String admin) throws Exception {
        Path file = directory.resolve("pier.conf");
        Files.writeString(file, "pier {\n  routes = [ { prefix = \"/\", backends = [\"http://127.0.0.1:9\"] } ]\n"
                + admin + "\n}\n");
        return file;
    }

    @Test
    void defaultsAllowOnlyLoopbackAndNoToken() throws Exception {
        AdminSettings admin = SettingsLoader.load(write("")).admin();

        assertThat(admin.allow()).isEmpty();
        assertThat(admin.token()).isEmpty();
    }

    @Test
    void addressesBlocksAndATokenAreRead() throws Exception {
        AdminSettings admin = SettingsLoader.load(write(
                "  admin { allow = [\"10.0.0.7\", \"192.168.0.0/16\", \"fd00::/8\"], token = \"0123456789abcdef\" }"))
                .admin();

        assertThat(admin.allow()).containsExactly("10.0.0.7", "192.168.0.0/16", "fd00::/8");
        assertThat(admin.token()).isEqualTo("0123456789abcdef");
    }

    @Test
    void aBadAddressAWeakTokenAndAnUnknownKeyAreReportedWithFileLineAndKey() throws Exception {
        Path file = write("""
                  admin {
                    allow = ["10.0.0.7", "intranet.example", "10.0.0.0/33"]
                    token = "short"
                    open = true
                  }""");

        assertThatThrownBy(() -> SettingsLoader.load(file))
                .isInstanceOf(ConfigException.ValidationFailed.class)
                .hasMessageContaining("pier.conf: 4: pier.admin.allow[1]: 'intranet.example' is not a client address")
                .hasMessageContaining("pier.conf: 4: pier.admin.allow[2]: '10.0.0.0/33' is not a client address")
                .hasMessageContaining("pier.conf: 5: pier.admin.token: token: too weak")
                .hasMessageContaining("pier.conf: 6: pier.admin.open: unknown key 'open'");
    }

    @Test
    void thePierConfigSystemPropertyNamesTheFileAndIsNotReadAsAKey() throws Exception {
        Path file = write("");
        System.setProperty("pier.config", file.toString());
        try {
            assertThat(SettingsLoader.load(file).routes()).hasSize(1);
        } finally {
            System.clearProperty("pier.config");
        }
    }
}
