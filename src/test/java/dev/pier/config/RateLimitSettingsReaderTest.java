package dev.pier.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import dev.pier.config.RateLimitPolicySettings.Key;
import dev.pier.config.RateLimitPolicySettings.KeyKind;
import dev.pier.config.RateLimitPolicySettings.MissingKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class RateLimitSettingsReaderTest {

    /** The snippet that the main line merges into reference.conf. */
    private static final Config REFERENCE = ConfigFactory.parseResources("reference.conf");

    private static Config parse(String text) {
        return ConfigFactory.parseString(text, ConfigParseOptions.defaults().setOriginDescription("pier.conf"))
                .withFallback(REFERENCE).resolve();
    }

    /** The settings of {@code text}, and each route's rate-limit list. */
    private record Read(RateLimitingSettings settings, List<List<String>> routes) {
    }

    private static Read read(Problems problems, String text) {
        Config config = parse(text);
        RateLimitingSettings settings = RateLimitSettingsReader.read(problems, config);
        List<List<String>> routes = new ArrayList<>();
        if (config.hasPath("pier.routes")) {
            List<? extends ConfigObject> list = config.getObjectList("pier.routes");
            for (int i = 0; i < list.size(); i++) {
                routes.add(RateLimitSettingsReader.readRoute(problems, list.get(i).toConfig(), "pier.routes[" + i + "]",
                        config));
            }
        }
        return new Read(settings, routes);
    }

    private static Read read(String text) {
        Problems problems = new Problems();
        Read read = read(problems, text);
        problems.throwIfAny();
        return read;
    }

    /** The problems of {@code text}, each as "file: line: key: problem". */
    private static List<String> problems(String text) {
        Problems problems = new Problems();
        read(problems, text);
        try {
            problems.throwIfAny();
        } catch (ConfigException.ValidationFailed e) {
            return StreamSupport.stream(e.problems().spliterator(), false)
                    .map(p -> p.origin().description() + ": " + p.path() + ": " + p.problem())
                    .toList();
        }
        throw new AssertionError("expected a validation failure");
    }

    @Test
    void readsTheIssueExampleWithTheDefaults() {
        Read read = read("""
                pier {
                  rate-limits {
                    per-client { key = client-ip, rate = 100, period = 1s, burst = 200 }
                    per-user   { key = "header:X-User", rate = 10, period = 1s, missing-key = client-ip }
                    route-cap  { key = route, rate = 5000, period = 1s }
                  }
                  rate-limiting { store = local, max-keys = 100000, headers = draft }
                  routes = [ { prefix = "/api", rate-limit = ["per-client", "route-cap"] }, { prefix = "/" } ]
                }
                """);

        RateLimitingSettings settings = read.settings();
        assertThat(settings.policies()).containsOnlyKeys("per-client", "per-user", "route-cap");
        assertThat(settings.policies().keySet()).containsExactly("per-client", "per-user", "route-cap");
        assertThat(settings.policies().get("per-client")).isEqualTo(new RateLimitPolicySettings("per-client",
                new Key(KeyKind.CLIENT_IP, ""), 100, Duration.ofSeconds(1), 200, MissingKey.CLIENT_IP, List.of(),
                false, 64));
        assertThat(settings.policies().get("per-user").key()).isEqualTo(new Key(KeyKind.HEADER, "X-User"));
        assertThat(settings.policies().get("per-user").burst()).isEqualTo(10);
        assertThat(settings.policies().get("route-cap").key()).isEqualTo(new Key(KeyKind.ROUTE, ""));
        assertThat(settings.policies().get("route-cap").burst()).isEqualTo(5000);
        assertThat(settings.store()).isEqualTo(RateLimitingSettings.Store.LOCAL);
        assertThat(settings.maxKeys()).isEqualTo(100_000);
        assertThat(settings.headers()).isEqualTo(RateLimitingSettings.Headers.DRAFT);
        assertThat(settings.redis()).isEqualTo(new RedisSettings("redis://127.0.0.1:6379", Duration.ofMillis(50),
                RedisSettings.OnError.LOCAL, 3, Duration.ofSeconds(5)));
        assertThat(read.routes()).containsExactly(List.of("per-client", "route-cap"), List.of());
    }

    @Test
    void readsEveryKeyOfAPolicyAndOfRedis() {
        Read read = read("""
                pier {
                  rate-limits {
                    per-session { key = "cookie:session", rate = 5, period = 1m, burst = 1, missing-key = deny,
                                  exempt = ["10.0.0.0/8", "2001:db8::1"], dry-run = true, ipv6-prefix = 56 }
                  }
                  rate-limiting {
                    store = redis, max-keys = 10, headers = legacy
                    redis { uri = "rediss://user:secret@redis.internal:6380/2", timeout = 20ms, on-error = deny,
                            pause-after = 5, pause = 1s }
                  }
                }
                """);

        assertThat(read.settings().policies().get("per-session")).isEqualTo(new RateLimitPolicySettings(
                "per-session", new Key(KeyKind.COOKIE, "session"), 5, Duration.ofMinutes(1), 1, MissingKey.DENY,
                List.of("10.0.0.0/8", "2001:db8::1"), true, 56));
        assertThat(read.settings().store()).isEqualTo(RateLimitingSettings.Store.REDIS);
        assertThat(read.settings().headers()).isEqualTo(RateLimitingSettings.Headers.LEGACY);
        assertThat(read.settings().redis()).isEqualTo(new RedisSettings("rediss://user:secret@redis.internal:6380/2",
                Duration.ofMillis(20), RedisSettings.OnError.DENY, 5, Duration.ofSeconds(1)));
        assertThat(read.settings().redis().toString()).contains("uri=rediss://***@redis.internal:6380/2")
                .doesNotContain("secret");
    }

    @Test
    void policyDefaultsApplyToEveryPolicyThatDoesNotSetTheKey() {
        Read read = read("""
                pier {
                  rate-limits { a { rate = 1 }, b { rate = 2, dry-run = false } }
                  rate-limiting.policy-defaults { period = 10s, dry-run = true, key = "header:X-Api-Key" }
                }
                """);

        assertThat(read.settings().policies().get("a").period()).isEqualTo(Duration.ofSeconds(10));
        assertThat(read.settings().policies().get("a").dryRun()).isTrue();
        assertThat(read.settings().policies().get("a").key()).isEqualTo(new Key(KeyKind.HEADER, "X-Api-Key"));
        assertThat(read.settings().policies().get("b").dryRun()).isFalse();
    }

    @Test
    void aRouteWithoutItsOwnListObeysTheRouteDefaults() {
        Read read = read("""
                pier {
                  rate-limits { per-client { rate = 1 } }
                  route-defaults.rate-limit = ["per-client"]
                  routes = [ { prefix = "/api" }, { prefix = "/open", rate-limit = [] } ]
                }
                """);

        assertThat(read.routes()).containsExactly(List.of("per-client"), List.of());
    }

    @Test
    void anUnknownPolicyNameInARouteNamesTheFileTheLineAndTheKey() {
        assertThat(problems("""
                pier {
                  rate-limits { per-client { rate = 1 }, route-cap { key = route, rate = 100 } }
                  routes = [
                    { prefix = "/api", rate-limit = ["per-client",
                                                     "per-usr"] }
                  ]
                }
                """)).containsExactly("pier.conf: 5: pier.routes[0].rate-limit[1]: unknown rate-limit policy "
                + "'per-usr' (expected one of: per-client, route-cap)");
    }

    @Test
    void anUnknownPolicyNameInTheRouteDefaultsIsReportedThere() {
        assertThat(problems("""
                pier {
                  route-defaults { rate-limit = ["per-client"] }
                  routes = [ { prefix = "/api" } ]
                }
                """)).containsExactly("pier.conf: 2: pier.route-defaults.rate-limit[0]: unknown rate-limit policy "
                + "'per-client' (expected: a policy of pier.rate-limits, which defines none)");
    }

    @Test
    void aPolicyListedTwiceInARouteIsAProblem() {
        assertThat(problems("""
                pier {
                  rate-limits { per-client { rate = 1 } }
                  routes = [ { prefix = "/api", rate-limit = ["per-client", "per-client"] } ]
                }
                """)).containsExactly("pier.conf: 3: pier.routes[0].rate-limit[1]: duplicate rate-limit policy "
                + "'per-client' in this list");
    }

    @Test
    void everyProblemOfAPolicyIsReportedAtOnceWithItsLine() {
        assertThat(problems("""
                pier.rate-limits {
                  a { key = "header:", rate = 1 }
                  b { rate = 0 }
                  c { rate = 1, period = 1500ms }
                  d { period = 1s }
                  e { rate = 1, missing-key = maybe, exempt = ["10.0.0.0/33"], ipv6-prefix = 129 }
                  f { rate = 1, brust = 2 }
                  g { rate = 2000001, period = 2s }
                  h { rate = 1, period = 1d, burst = 400 }
                  "i j" { rate = 1 }
                  k = 5
                }
                """)).containsExactly(
                "pier.conf: 2: pier.rate-limits.a.key: key: 'header:' (expected one of: client-ip, route, "
                        + "\"header:<name>\", \"cookie:<name>\")",
                "pier.conf: 3: pier.rate-limits.b.rate: rate: 0 (expected: >= 1)",
                "pier.conf: 4: pier.rate-limits.c.period: period: 1500ms (expected: a whole number of seconds, "
                        + "from 1s to 365d)",
                "pier.conf: 5: pier.rate-limits.d.rate: missing rate (expected: tokens per period, a whole number >= 1)",
                "pier.conf: 6: pier.rate-limits.e.missing-key: unknown missing-key 'maybe' (expected one of: "
                        + "client-ip, allow, deny)",
                "pier.conf: 6: pier.rate-limits.e.exempt[0]: '10.0.0.0/33' is not a client address (expected: an IP "
                        + "address such as 10.0.0.7 or a CIDR block such as 10.0.0.0/8)",
                "pier.conf: 6: pier.rate-limits.e.ipv6-prefix: ipv6-prefix: 129 (expected: 1-128)",
                "pier.conf: 7: pier.rate-limits.f.brust: unknown key 'brust' (expected one of: burst, dry-run, exempt, "
                        + "ipv6-prefix, key, missing-key, period, rate)",
                "pier.conf: 8: pier.rate-limits.g.rate: rate: 2000001 per 2s (expected: at most 1000000 per second)",
                "pier.conf: 9: pier.rate-limits.h.burst: burst: 400 at 1 per 86400s (expected: a bucket that refills "
                        + "within 365d: burst * period / rate)",
                "pier.conf: 10: pier.rate-limits.\"i j\": policy name 'i j' (expected: 1 to 64 letters, digits, '-' "
                        + "and '_')",
                "pier.conf: 11: pier.rate-limits.k: a rate-limit policy must be an object with at least a rate, not "
                        + "number");
    }

    @Test
    void problemsOfHowBucketsAreKeptNameTheirKeys() {
        assertThat(problems("""
                pier.rate-limiting {
                  store = memcached
                  max-keys = 0
                  headers = ietf
                  redis {
                    uri = "http://127.0.0.1:6379"
                    timeout = 0ms
                    on-error = retry
                    pause-after = 0
                  }
                  shards = 3
                }
                """)).containsExactly(
                "pier.conf: 11: pier.rate-limiting.shards: unknown key 'shards' (expected one of: headers, max-keys, "
                        + "policy-defaults, redis, store)",
                "pier.conf: 2: pier.rate-limiting.store: unknown store 'memcached' (expected one of: local, redis)",
                "pier.conf: 3: pier.rate-limiting.max-keys: max-keys: 0 (expected: >= 1)",
                "pier.conf: 4: pier.rate-limiting.headers: unknown headers 'ietf' (expected one of: draft, legacy, none)",
                "pier.conf: 6: pier.rate-limiting.redis.uri: uri: 'http://127.0.0.1:6379' (expected: redis://host:port "
                        + "or rediss://host:port, with an optional user, password and /database)",
                "pier.conf: 7: pier.rate-limiting.redis.timeout: duration: 0ms (expected: > 0)",
                "pier.conf: 8: pier.rate-limiting.redis.on-error: unknown on-error 'retry' (expected one of: local, "
                        + "allow, deny)",
                "pier.conf: 9: pier.rate-limiting.redis.pause-after: pause-after: 0 (expected: >= 1)");
    }
}
