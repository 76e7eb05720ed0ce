package dev.pier.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeysTest {

    @Test
    void anIpv4AddressIsItsOwnKey() {
        String address = "192.0.2.7";

        assertThat(Keys.clientAddress(address, 64)).isSameAs(address);
    }

    @Test
    void anIpv6AddressIsGroupedByItsPrefix() {
        assertThat(Keys.clientAddress("2001:db8:0:1:aaaa::1", 64)).isEqualTo("2001:db8:0:1::/64");
        assertThat(Keys.clientAddress("2001:0db8:0000:0001:ffff:ffff:ffff:ffff", 64)).isEqualTo("2001:db8:0:1::/64");
        assertThat(Keys.clientAddress("2001:db8:0:1:aaaa::1", 48)).isEqualTo("2001:db8:0::/48");
        assertThat(Keys.clientAddress("2001:db8:ffff::1", 36)).isEqualTo("2001:db8:f000::/36");
        assertThat(Keys.clientAddress("2001:db8::1", 128)).isEqualTo("2001:db8:0:0:0:0:0:1/128");
    }

    @Test
    void anIpv4MappedIpv6AddressCountsAsItsIpv4Address() {
        assertThat(Keys.clientAddress("::ffff:192.0.2.7", 64)).isEqualTo("192.0.2.7");
    }

    @Test
    void aLongValueIsKeptAsItsDigest() {
        String shortValue = "user-4711";
        String longValue = "x".repeat(8000);

        assertThat(Keys.bounded(shortValue)).isSameAs(shortValue);
        assertThat(Keys.bounded(longValue)).hasSize(44).startsWith("#").isEqualTo(Keys.bounded("x".repeat(8000)))
                .isNotEqualTo(Keys.bounded("x".repeat(7999) + "y"));
    }
}
