package dev.pier.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.config.AdminSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

class AdminAccessTest {

    private static final String TOKEN = "s3cret-token-0123456789";

    @Test
    void loopbackClientsAreAllowedWithNothingConfigured() {
        AdminAccess access = new AdminAccess(new AdminSettings(List.of(), ""));

        assertThat(access.allows("127.0.0.1", null)).isTrue();
        assertThat(access.allows("127.0.0.2", null)).isTrue();
        assertThat(access.allows("::1", null)).isTrue();
        assertThat(access.allows("[::1]", null)).isTrue();
    }

    @Test
    void otherClientsAreRefusedWithNothingConfigured() {
        AdminAccess access = new AdminAccess(new AdminSettings(List.of(), ""));

        assertThat(access.allows("10.0.0.7", null)).isFalse();
        assertThat(access.allows("2001:db8::1", null)).isFalse();
        assertThat(access.allows("10.0.0.7", "Bearer ")).isFalse();
    }

    @Test
    void clientsInAnAllowedAddressOrBlockAreAllowed() {
        AdminAccess access = new AdminAccess(new AdminSettings(List.of("10.0.0.7", "192.168.0.0/16", "fd00::/8"), ""));

        assertThat(access.allows("10.0.0.7", null)).isTrue();
        assertThat(access.allows("10.0.0.8", null)).isFalse();
        assertThat(access.allows("192.168.44.2", null)).isTrue();
        assertThat(access.allows("192.169.0.1", null)).isFalse();
        assertThat(access.allows("fd12::1", null)).isTrue();
        assertThat(access.allows("fe80::1", null)).isFalse();
    }

    @Test
    void anyClientPresentingTheBearerTokenIsAllowedAndAWrongTokenIsNot() {
        AdminAccess access = new AdminAccess(new AdminSettings(List.of(), TOKEN));

        assertThat(access.allows("203.0.113.9", "Bearer " + TOKEN)).isTrue();
        assertThat(access.allows("203.0.113.9", "Bearer " + TOKEN + "x")).isFalse();
        assertThat(access.allows("203.0.113.9", "Basic " + TOKEN)).isFalse();
        assertThat(access.allows("203.0.113.9", null)).isFalse();
    }

    @Test
    void aHostNameIsNeverLookedUpAsAClientAddress() {
        AdminAccess access = new AdminAccess(new AdminSettings(List.of("10.0.0.0/8"), ""));

        assertThat(access.allows("localhost", null)).isFalse();
    }
}
