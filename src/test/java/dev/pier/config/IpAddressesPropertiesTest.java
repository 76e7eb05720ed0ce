package dev.pier.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

class IpAddressesPropertiesTest {

    @Property
    void anIpv6AddressWrittenCanonicallyReadsBackAsJavaReadsIt(@ForAll @Size(16) byte[] address)
            throws UnknownHostException {
        String text = IpAddresses.format(address);
        byte[] read = IpAddresses.parse(text);
        assertThat(read).isEqualTo(InetAddress.getByName(text).getAddress());
        assertThat(read).isEqualTo(isMapped(address) ? Arrays.copyOfRange(address, 12, 16) : address);
        assertThat(text).isEqualTo(text.toLowerCase(Locale.ROOT)).doesNotContain(":::");
    }

    @Property
    void anIpv4AddressWrittenCanonicallyReadsBack(@ForAll @Size(4) byte[] address) {
        assertThat(IpAddresses.parse(IpAddresses.format(address))).isEqualTo(address);
    }

    @Property
    void everyTextFormOfAnIpv6AddressReadsAsJavaReadsIt(@ForAll("ipv6Text") String text)
            throws UnknownHostException {
        assertThat(IpAddresses.parse(text)).isEqualTo(InetAddress.getByName(text).getAddress());
    }

    @Property
    void anyTextIsReadWithoutThrowingAndOnlyLiteralsAreAddresses(@ForAll("addressLike") String text) {
        byte[] read = IpAddresses.parse(text);
        if (read != null) {
            assertThat(read.length).isIn(4, 16);
            assertThat(IpAddresses.parse(IpAddresses.format(read))).isEqualTo(read);
        }
        IpAddresses.node(text, 0, text.length(), true);
        IpAddresses.node(text, 0, text.length(), false);
    }

    @Example
    void ipv6IsWrittenAsRfc5952Says() {
        assertThat(canonical("2001:0db8:0000:0000:0000:0000:0000:0001")).isEqualTo("2001:db8::1");
        // One zero group stays; the longest run is shortened; of two equal runs, the first.
        assertThat(canonical("2001:db8:0:1:1:1:1:1")).isEqualTo("2001:db8:0:1:1:1:1:1");
        assertThat(canonical("2001:0:0:1:0:0:0:1")).isEqualTo("2001:0:0:1::1");
        assertThat(canonical("2001:db8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1");
        assertThat(canonical("0:0:0:0:0:0:0:0")).isEqualTo("::");
        assertThat(canonical("1:0:0:0:0:0:0:0")).isEqualTo("1::");
        assertThat(canonical("::ffff:192.0.2.1")).isEqualTo("192.0.2.1");
        assertThat(canonical("[::1]")).isEqualTo("::1");
        assertThat(canonical("192.0.2.1")).isEqualTo("192.0.2.1");
    }

    private static String canonical(String text) {
        return IpAddresses.canonical(text);
    }

    private static boolean isMapped(byte[] address) {
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
    }

    /**
     * IPv6 addresses, many of zero groups, each in one form: 0 plain, 1 with leading zeros in upper case, 2 with
     * {@code ::}, 3 with an IPv4 tail.
     */
    @Provide
    Arbitrary<String> ipv6Text() {
        Arbitrary<Integer> group = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, Arbitraries.just(0)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(0xffff)),
                net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 0xffff)));
        return group.array(Integer[].class).ofSize(8).flatMap(groups -> Arbitraries.integers().between(0, 3)
                .map(form -> write(groups, form)));
    }

    private static String write(Integer[] groups, int form) {
        StringBuilder text = new StringBuilder();
        boolean tail = form == 3;
        int count = tail ? 6 : 8;
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                text.append(':');
            }
            String hex = Integer.toHexString(groups[i]);
            text.append(form == 1 ? "0".repeat(4 - hex.length()) + hex.toUpperCase(Locale.ROOT) : hex);
        }
        if (tail) {
            text.append(':').append(groups[6] >>> 8).append('.').append(groups[6] & 0xff).append('.')
                    .append(groups[7] >>> 8).append('.').append(groups[7] & 0xff);
        }
        String full = text.toString();
        // Form 2 shortens the first run of two or more zero groups to "::".
        return form == 2 ? full.replaceFirst("(^|:)0(:0)+(:|$)", "::") : full;
    }

    @Provide
    Arbitrary<String> addressLike() {
        return Arbitraries.strings().withChars("0123456789abcdefABCDEF:.[]_%x ").ofMaxLength(45);
    }
}
