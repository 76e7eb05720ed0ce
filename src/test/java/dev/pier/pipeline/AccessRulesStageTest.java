package dev.pier.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.config.AddressBlock;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessRulesStageTest {

    private static List<AddressBlock> blocks(String... blocks) {
        return Arrays.stream(blocks).map(AddressBlock::parse).toList();
    }

    /** Whether {@code stage} lets a client with {@code address} through. */
    private static boolean admits(AccessRulesStage stage, String address) {
        RequestContext context = FakeRequest.from(address).context();
        return stage.onRequest(context) == null;
    }

    @Test
    void whenAllowListsAnyOnlyThoseGetThrough() {
        AccessRulesStage stage = new AccessRulesStage(blocks("10.0.0.0/8", "2001:db8::/32"), List.of());
        assertThat(admits(stage, "10.1.2.3")).isTrue();
        assertThat(admits(stage, "2001:db8::7")).isTrue();
        assertThat(admits(stage, "11.0.0.1")).isFalse();
        assertThat(admits(stage, "2001:db9::7")).isFalse();
    }

    @Test
    void denyAloneRefusesOnlyThose() {
        AccessRulesStage stage = new AccessRulesStage(List.of(), blocks("192.0.2.0/24"));
        assertThat(admits(stage, "192.0.2.9")).isFalse();
        assertThat(admits(stage, "192.0.3.9")).isTrue();
        assertThat(admits(stage, "::1")).isTrue();
    }

    @Test
    void denyWinsOverAllow() {
        AccessRulesStage stage = new AccessRulesStage(blocks("10.0.0.0/8"), blocks("10.6.0.0/16"));
        assertThat(admits(stage, "10.5.0.1")).isTrue();
        assertThat(admits(stage, "10.6.0.1")).isFalse();
    }

    @Test
    void anIpv4MappedAddressIsItsIpv4Address() {
        AccessRulesStage stage = new AccessRulesStage(blocks("10.0.0.0/8"), List.of());
        assertThat(admits(stage, "::ffff:10.0.0.1")).isTrue();
    }

    @Test
    void anAddressThatIsNoLiteralIsRefused() {
        AccessRulesStage stage = new AccessRulesStage(List.of(), blocks("192.0.2.0/24"));
        assertThat(admits(stage, "fe80::1%eth0")).isFalse();
    }

    @Test
    void theRefusalIsA403NamingTheRequestId() {
        AccessRulesStage stage = new AccessRulesStage(blocks("10.0.0.0/8"), List.of());
        RequestContext context = FakeRequest.from("203.0.113.7").context();
        context.requestId("req-9");
        LocalReply reply = stage.onRequest(context);
        assertThat(reply).isNotNull();
        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.flag()).isEqualTo("AD");
        assertThat(reply.body()).isEqualTo(
                "Forbidden: this route does not accept requests from your address.\nRequest id: req-9\n");
    }

    @Test
    void aStageWithoutRulesIsAMistake() {
        assertThatThrownBy(() -> new AccessRulesStage(List.of(), List.of()))
                .hasMessage("allow and deny: both empty (expected: at least one rule)");
    }
}
