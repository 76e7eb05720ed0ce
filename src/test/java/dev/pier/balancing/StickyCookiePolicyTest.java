package dev.pier.balancing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.backend.Backend;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StickyCookiePolicyTest {

    private final BalancingPolicy policy = BalancingPolicy.stickyCookie("pier-sticky", "/api");
    private final List<Backend> all = Backends.of(3);

    private static RequestInfo withCookie(String value) {
        return Backends.request(Map.of(), Map.of("pier-sticky", value), "10.0.0.1");
    }

    private static String valueOf(String setCookie) {
        return setCookie.substring("pier-sticky=".length(), setCookie.indexOf(';'));
    }

    @Test
    void theFirstResponseSetsAnOpaqueCookieNamingTheChosenBackend() {
        Backend chosen = policy.select(all, RequestInfo.NONE);
        String setCookie = policy.setCookie(chosen, RequestInfo.NONE);
        assertThat(setCookie).startsWith("pier-sticky=").contains("; Path=/api").contains("HttpOnly");
        assertThat(valueOf(setCookie)).hasSize(16).doesNotContain("127.0.0.1").doesNotContain(
                Integer.toString(chosen.port()));
    }

    @Test
    void requestsWithTheCookieKeepGoingToItsBackendWithoutANewCookie() {
        Backend second = all.get(1);
        String cookie = valueOf(policy.setCookie(second, RequestInfo.NONE));
        for (int i = 0; i < 10; i++) {
            assertThat(policy.select(all, withCookie(cookie))).isSameAs(second);
            assertThat(policy.setCookie(second, withCookie(cookie))).isNull();
        }
    }

    @Test
    void theCookieSurvivesOtherBackendsGoingDown() {
        Backend third = all.get(2);
        String cookie = valueOf(policy.setCookie(third, RequestInfo.NONE));
        assertThat(policy.select(List.of(third), withCookie(cookie))).isSameAs(third);
        assertThat(policy.select(List.of(all.get(0), third), withCookie(cookie))).isSameAs(third);
    }

    @Test
    void whenItsBackendIsNotEligibleAnotherIsChosenAndTheCookieIsReissued() {
        Backend first = all.get(0);
        String cookie = valueOf(policy.setCookie(first, RequestInfo.NONE));
        List<Backend> withoutFirst = List.of(all.get(1), all.get(2));
        Backend other = policy.select(withoutFirst, withCookie(cookie));
        assertThat(other).isIn(withoutFirst);
        String reissued = policy.setCookie(other, withCookie(cookie));
        assertThat(reissued).isNotNull();
        assertThat(valueOf(reissued)).isNotEqualTo(cookie);
        // The new cookie sticks even when the first backend is back.
        assertThat(policy.select(all, withCookie(valueOf(reissued)))).isSameAs(other);
    }

    @Test
    void anUnknownCookieIsTreatedAsNoCookie() {
        Backend chosen = policy.select(all, withCookie("forged"));
        assertThat(chosen).isIn(all);
        assertThat(policy.setCookie(chosen, withCookie("forged"))).isNotNull();
    }
}
