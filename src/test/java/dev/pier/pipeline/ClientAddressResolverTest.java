package dev.pier.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.config.AddressBlock;
import dev.pier.config.ClientAddressSettings;
import dev.pier.config.ForwardingHeader;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ClientAddressResolverTest {

    private static ClientAddressResolver resolver(ForwardingHeader header, String... trusted) {
        return new ClientAddressResolver(new ClientAddressSettings(
                Arrays.stream(trusted).map(AddressBlock::parse).toList(), header));
    }

    private final ClientAddressResolver xff = resolver(ForwardingHeader.X_FORWARDED_FOR, "10.0.0.0/8", "fd00::/8");
    private final ClientAddressResolver forwarded = resolver(ForwardingHeader.FORWARDED, "10.0.0.0/8");

    /** The address {@code xff} finds for a trusted peer sending these X-Forwarded-For fields. */
    private String viaTrustedProxy(String... fields) {
        FakeRequest request = FakeRequest.from("10.0.0.1");
        for (String field : fields) {
            request.header("X-Forwarded-For", field);
        }
        ClientAddress client = xff.resolve(request);
        assertThat(client.trustedPeer()).isTrue();
        return client.address();
    }

    /** The address {@code forwarded} finds for a trusted peer sending these Forwarded fields. */
    private String forwardedBy(String... fields) {
        FakeRequest request = FakeRequest.from("10.0.0.1");
        for (String field : fields) {
            request.header("Forwarded", field);
        }
        return forwarded.resolve(request).address();
    }

    @Test
    void aSpoofedForwardedForFromAnUntrustedPeerIsIgnored() {
        ClientAddress client = xff.resolve(FakeRequest.from("203.0.113.9")
                .header("X-Forwarded-For", "10.0.0.5")
                .header("Forwarded", "for=10.0.0.5"));
        assertThat(client).isEqualTo(new ClientAddress("203.0.113.9", false));
    }

    @Test
    void withoutTrustedProxiesThePeerIsTheClient() {
        ClientAddress client = resolver(ForwardingHeader.X_FORWARDED_FOR)
                .resolve(FakeRequest.from("10.0.0.1").header("X-Forwarded-For", "198.51.100.1"));
        assertThat(client).isEqualTo(new ClientAddress("10.0.0.1", false));
    }

    @Test
    void aTrustedPeersChainIsWalkedFromTheRightSkippingTrustedHops() {
        assertThat(viaTrustedProxy("6.6.6.6, 203.0.113.7, 10.0.0.3, 10.9.9.9")).isEqualTo("203.0.113.7");
        assertThat(viaTrustedProxy("203.0.113.7")).isEqualTo("203.0.113.7");
    }

    @Test
    void everyFieldIsReadInOrderAsOneList() {
        assertThat(viaTrustedProxy("6.6.6.6, 203.0.113.7", "10.0.0.2")).isEqualTo("203.0.113.7");
        assertThat(viaTrustedProxy("6.6.6.6", "203.0.113.8, 10.0.0.2")).isEqualTo("203.0.113.8");
    }

    @Test
    void aChainOfTrustedHopsOnlyEndsAtItsLeftmostHop() {
        assertThat(viaTrustedProxy("10.0.0.3, 10.0.0.2")).isEqualTo("10.0.0.3");
    }

    @Test
    void aTrustedPeerWithoutTheHeaderIsTheClient() {
        assertThat(viaTrustedProxy()).isEqualTo("10.0.0.1");
    }

    @Test
    void aMalformedEntryEndsTheWalkAtTheLastGoodAddress() {
        assertThat(viaTrustedProxy("203.0.113.7, not-an-address, 10.0.0.2")).isEqualTo("10.0.0.2");
        assertThat(viaTrustedProxy("203.0.113.7, 256.1.1.1")).isEqualTo("10.0.0.1");
        assertThat(viaTrustedProxy("203.0.113.7, unknown")).isEqualTo("10.0.0.1");
        assertThat(viaTrustedProxy("203.0.113.7, 1.2.3")).isEqualTo("10.0.0.1");
        assertThat(viaTrustedProxy("203.0.113.7, 1.2.3.4.5")).isEqualTo("10.0.0.1");
        // A leading zero is octal to some parsers: not an address Pier can agree on.
        assertThat(viaTrustedProxy("203.0.113.7, 010.0.0.9")).isEqualTo("10.0.0.1");
        assertThat(viaTrustedProxy("203.0.113.7, 2001:db8::1::2")).isEqualTo("10.0.0.1");
        assertThat(viaTrustedProxy("203.0.113.7, [2001:db8::1")).isEqualTo("10.0.0.1");
        assertThat(viaTrustedProxy("203.0.113.7, 203.0.113.8:99999")).isEqualTo("10.0.0.1");
    }

    @Test
    void emptyElementsAndSpacesAreNoEntries() {
        assertThat(viaTrustedProxy(" 203.0.113.7 ,, \t10.0.0.2 , ")).isEqualTo("203.0.113.7");
        assertThat(viaTrustedProxy("", "203.0.113.7", "")).isEqualTo("203.0.113.7");
    }

    @Test
    void entriesMayCarryPorts() {
        assertThat(viaTrustedProxy("203.0.113.7:4711")).isEqualTo("203.0.113.7");
        assertThat(viaTrustedProxy("[2001:db8::1]:4711")).isEqualTo("2001:db8::1");
        assertThat(viaTrustedProxy("[2001:db8::1]")).isEqualTo("2001:db8::1");
        assertThat(viaTrustedProxy("198.51.100.1, [fd00::7]:80")).isEqualTo("198.51.100.1");
    }

    @Test
    void ipv6AddressesComeOutInTheirCanonicalForm() {
        assertThat(viaTrustedProxy("2001:DB8:0:0:0:0:0:1")).isEqualTo("2001:db8::1");
        assertThat(viaTrustedProxy("2001:0db8:0000:0001:0000:0000:0000:0001")).isEqualTo("2001:db8:0:1::1");
        assertThat(xff.resolve(FakeRequest.from("0:0:0:0:0:0:0:1")))
                .isEqualTo(new ClientAddress("::1", false));
        ClientAddress fromIpv6Proxy = xff.resolve(FakeRequest.from("fd00:0:0:0:0:0:0:1")
                .header("X-Forwarded-For", "2001:db8::5, fd00::2"));
        assertThat(fromIpv6Proxy).isEqualTo(new ClientAddress("2001:db8::5", true));
    }

    @Test
    void ipv4MappedAddressesAreTheirIpv4Addresses() {
        ClientAddress client = xff.resolve(FakeRequest.from("::ffff:10.0.0.1")
                .header("X-Forwarded-For", "::ffff:203.0.113.7, ::FFFF:a00:2"));
        assertThat(client).isEqualTo(new ClientAddress("203.0.113.7", true));
    }

    @Test
    void aPeerThatIsNoAddressIsTakenAsItIsAndNotTrusted() {
        assertThat(xff.resolve(FakeRequest.from("fe80::1%eth0").header("X-Forwarded-For", "203.0.113.7")))
                .isEqualTo(new ClientAddress("fe80::1%eth0", false));
    }

    @Test
    void forwardedElementsAreWalkedFromTheRightByTheirForParameter() {
        assertThat(forwardedBy("for=198.51.100.17;proto=https, for=203.0.113.7;by=10.0.0.1, for=10.0.0.2"))
                .isEqualTo("203.0.113.7");
        assertThat(forwardedBy("for=6.6.6.6", "For=203.0.113.7;proto=http", "for=\"10.0.0.2:8080\""))
                .isEqualTo("203.0.113.7");
        assertThat(forwardedBy("proto=https;for=203.0.113.7 ; host=example.com")).isEqualTo("203.0.113.7");
    }

    @Test
    void forwardedNodesAreQuotedIpv6InBracketsWithPorts() {
        assertThat(forwardedBy("for=\"[2001:db8:cafe::17]:4711\"")).isEqualTo("2001:db8:cafe::17");
        assertThat(forwardedBy("for=\"[2001:db8:cafe::17]\"")).isEqualTo("2001:db8:cafe::17");
        assertThat(forwardedBy("for=\"203.0.113.7:4711\"")).isEqualTo("203.0.113.7");
        assertThat(forwardedBy("for=\"203.0.113.7:_port\"")).isEqualTo("203.0.113.7");
        assertThat(forwardedBy("for=\"\\203.0.113.7\"")).isEqualTo("203.0.113.7");
    }

    @Test
    void unknownAndObfuscatedForwardedNodesEndTheWalk() {
        assertThat(forwardedBy("for=203.0.113.7, for=unknown, for=10.0.0.2")).isEqualTo("10.0.0.2");
        assertThat(forwardedBy("for=203.0.113.7, for=_hidden")).isEqualTo("10.0.0.1");
        assertThat(forwardedBy("for=203.0.113.7, for=\"_hidden:80\"")).isEqualTo("10.0.0.1");
    }

    @Test
    void malformedForwardedElementsEndTheWalk() {
        // IPv6 without brackets, no for, two fors, no value, a stray token, an unterminated quote.
        assertThat(forwardedBy("for=203.0.113.7, for=\"2001:db8::1\"")).isEqualTo("10.0.0.1");
        assertThat(forwardedBy("for=203.0.113.7, proto=https")).isEqualTo("10.0.0.1");
        assertThat(forwardedBy("for=203.0.113.7, for=198.51.100.1;for=198.51.100.2")).isEqualTo("10.0.0.1");
        assertThat(forwardedBy("for=203.0.113.7, for=")).isEqualTo("10.0.0.1");
        assertThat(forwardedBy("for=203.0.113.7, for=198.51.100.1 junk")).isEqualTo("10.0.0.1");
        assertThat(forwardedBy("for=203.0.113.7, for=\"198.51.100.1")).isEqualTo("10.0.0.1");
        assertThat(forwardedBy("for=203.0.113.7, for=[2001:db8::1]")).isEqualTo("10.0.0.1");
    }

    @Test
    void aCommaInsideAQuotedStringDoesNotSplitAnElement() {
        assertThat(forwardedBy("for=198.51.100.1, for=203.0.113.7;host=\"a, for=10.0.0.9\", for=10.0.0.2"))
                .isEqualTo("203.0.113.7");
    }

    @Test
    void anUnterminatedQuoteDoesNotSpanFields() {
        assertThat(forwardedBy("for=\"198.51.100.1", "for=203.0.113.7")).isEqualTo("203.0.113.7");
    }

    @Test
    void theForwardedModeReadsOnlyForwarded() {
        ClientAddress client = forwarded.resolve(FakeRequest.from("10.0.0.1")
                .header("X-Forwarded-For", "198.51.100.1"));
        assertThat(client).isEqualTo(new ClientAddress("10.0.0.1", true));
    }

    @Test
    void theStagePutsTheAddressOnTheContext() {
        RequestContext context = FakeRequest.from("10.0.0.1").header("X-Forwarded-For", "203.0.113.7").context();
        assertThat(new ClientAddressStage(xff).onRequest(context)).isNull();
        assertThat(context.clientAddress()).isEqualTo("203.0.113.7");
        assertThat(context.trustedPeer()).isTrue();
    }
}
