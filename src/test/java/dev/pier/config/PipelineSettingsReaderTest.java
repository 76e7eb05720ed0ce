package dev.pier.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

class PipelineSettingsReaderTest {

    /** What the reader made of one file, and every problem as "file: line: key: problem". */
    private record Read(ClientAddressSettings clientAddress, RequestIdSettings requestId,
                        List<RouteStageSettings> routes, List<String> problems) {
    }

    private static Read read(String text) {
        Config config = ConfigFactory.parseString(text, ConfigParseOptions.defaults().setOriginDescription("pier.conf"))
                .withFallback(ConfigFactory.parseResources("reference.conf")).resolve();
        Problems problems = new Problems();
        ClientAddressSettings clientAddress = PipelineSettingsReader.clientAddress(problems, config);
        RequestIdSettings requestId = PipelineSettingsReader.requestId(problems, config);
        Config defaults = config.getConfig("pier.route-defaults");
        List<RouteStageSettings> routes = new ArrayList<>();
        ConfigList list = config.getList("pier.routes");
        for (int i = 0; i < list.size(); i++) {
            routes.add(PipelineSettingsReader.route(problems, ((ConfigObject) list.get(i)).toConfig(),
                    "pier.routes[" + i + "]", defaults));
        }
        List<String> found = List.of();
        try {
            problems.throwIfAny();
        } catch (ConfigException.ValidationFailed e) {
            found = StreamSupport.stream(e.problems().spliterator(), false)
                    .map(p -> p.origin().description() + ": " + p.path() + ": " + p.problem()).toList();
        }
        return new Read(clientAddress, requestId, routes, found);
    }

    @Test
    void theDefaultsTrustNoProxyKeepIncomingIdsAndHaveNoRules() {
        Read read = read("pier.routes = [{ prefix = \"/\" }]");
        assertThat(read.problems()).isEmpty();
        assertThat(read.clientAddress().trustedProxies()).isEmpty();
        assertThat(read.clientAddress().header()).isEqualTo(ForwardingHeader.X_FORWARDED_FOR);
        assertThat(read.requestId().trustIncoming()).isTrue();
        assertThat(read.routes()).containsExactly(RouteStageSettings.NONE);
    }

    @Test
    void readsEveryKeyWithTheRouteDefaultsMerged() {
        Read read = read("""
                pier {
                  client-address { trusted-proxies = ["10.0.0.0/8", " fd00::/8 ", "192.0.2.1"], header = "Forwarded" }
                  request-id.trust-incoming = false
                  route-defaults {
                    request-headers { set { "X-Env" = "prod" }, remove = ["X-Debug"] }
                    deny = ["192.0.2.0/24"]
                  }
                  routes = [
                    { prefix = "/api",
                      request-headers { set { "X-Team" = api, X-Count = 5, "X.Dotted" = yes, "X-Env" = staging } }
                      response-headers { set { "Strict-Transport-Security" = "max-age=63072000; preload" },
                                         remove = ["Server"] }
                      allow = ["10.0.0.0/8", "2001:db8::/32"] }
                    { prefix = "/", request-headers.remove = [], deny = [] }
                  ]
                }
                """);
        assertThat(read.problems()).isEmpty();
        assertThat(read.clientAddress().header()).isEqualTo(ForwardingHeader.FORWARDED);
        assertThat(read.clientAddress().trustedProxies()).hasSize(3);
        assertThat(read.requestId().trustIncoming()).isFalse();
        RouteStageSettings api = read.routes().get(0);
        assertThat(api.requestHeaders()).isEqualTo(new HeaderRuleSettings(
                Map.of("X-Env", "staging", "X-Team", "api", "X-Count", "5", "X.Dotted", "yes"), List.of("X-Debug")));
        assertThat(api.responseHeaders()).isEqualTo(new HeaderRuleSettings(
                Map.of("Strict-Transport-Security", "max-age=63072000; preload"), List.of("Server")));
        assertThat(api.allow()).hasSize(2);
        assertThat(api.allow().get(1).contains(new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0,
                0, 0, 0, 1})).isTrue();
        assertThat(api.deny()).hasSize(1);
        RouteStageSettings root = read.routes().get(1);
        assertThat(root.requestHeaders()).isEqualTo(new HeaderRuleSettings(Map.of("X-Env", "prod"), List.of()));
        assertThat(root.responseHeaders()).isEqualTo(HeaderRuleSettings.NONE);
        assertThat(root.deny()).isEmpty();
    }

    @Test
    void everyProblemNamesFileLineAndKey() {
        Read read = read("""
                pier {
                  client-address { trusted-proxies = ["10.0.0.0/33", 5, "example.com"], header = "X-Real-IP", via = 1 }
                  request-id { trust-incoming = maybe, length = 20 }
                  route-defaults { request-headers { set { "Via" = "1.1 pier" } }, allow = ["300.0.0.1"] }
                  routes = [
                    { prefix = "/a",
                      request-headers { set { "X Bad" = "1", "X-Ok" = "a\\nb", "Connection" = "close" },
                                        remove = ["X-Forwarded-For", "Transfer-Encoding", 7, ""], add = {} }
                      response-headers { set { "X-Obj" { a = 1 }, "X-Sp" = " a", "Content-Length" = 1 },
                                         remove = ["X-Request-Id"] }
                      deny = "10.0.0.1" }
                    { prefix = "/b", allow = [],
                      response-headers { set { "x-dup" = "1", "X-DUP" = "2", "X-Both" = "1" }, remove = ["x-both"] } }
                  ]
                }
                """);
        assertThat(read.problems()).containsExactlyInAnyOrder(
                "pier.conf: 2: pier.client-address.via: unknown key 'via' (expected one of: header, trusted-proxies)",
                "pier.conf: 2: pier.client-address.trusted-proxies[0]: '10.0.0.0/33' is not a client address "
                        + "(expected: an IP address such as 10.0.0.7 or a CIDR block such as 10.0.0.0/8)",
                "pier.conf: 2: pier.client-address.trusted-proxies[1]: '5' is not a client address "
                        + "(expected: an IP address such as 10.0.0.7 or a CIDR block such as 10.0.0.0/8)",
                "pier.conf: 2: pier.client-address.trusted-proxies[2]: 'example.com' is not a client address "
                        + "(expected: an IP address such as 10.0.0.7 or a CIDR block such as 10.0.0.0/8)",
                "pier.conf: 2: pier.client-address.header: unknown header 'X-Real-IP' (expected one of: "
                        + "X-Forwarded-For, Forwarded)",
                "pier.conf: 3: pier.request-id.length: unknown key 'length' (expected one of: trust-incoming)",
                "pier.conf: 3: pier.request-id.trust-incoming: trust-incoming has type STRING rather than BOOLEAN",
                "pier.conf: 4: pier.route-defaults.request-headers.set.Via: header 'Via' cannot be set or removed "
                        + "(Pier writes it itself)",
                "pier.conf: 4: pier.route-defaults.allow[0]: '300.0.0.1' is not a client address "
                        + "(expected: an IP address such as 10.0.0.7 or a CIDR block such as 10.0.0.0/8)",
                "pier.conf: 7: pier.routes[0].request-headers.set.\"X Bad\": header name 'X Bad' is not a token "
                        + "(expected: letters, digits and !#$%&'*+-.^_`|~ only)",
                "pier.conf: 7: pier.routes[0].request-headers.set.X-Ok: value of header 'X-Ok': \"a\\nb\" "
                        + "(expected: printable ASCII, no CR or LF, no space at either end)",
                "pier.conf: 7: pier.routes[0].request-headers.set.Connection: header 'Connection' cannot be set or "
                        + "removed (it is hop-by-hop: it belongs to one connection)",
                "pier.conf: 8: pier.routes[0].request-headers.remove[0]: header 'X-Forwarded-For' cannot be set or "
                        + "removed (Pier writes it itself)",
                "pier.conf: 8: pier.routes[0].request-headers.remove[1]: header 'Transfer-Encoding' cannot be set or "
                        + "removed (it is hop-by-hop: it belongs to one connection)",
                "pier.conf: 8: pier.routes[0].request-headers.remove[2]: '7' is not a header name (expected: a "
                        + "string such as \"X-Debug\")",
                "pier.conf: 8: pier.routes[0].request-headers.remove[3]: header name '' is not a token (expected: "
                        + "letters, digits and !#$%&'*+-.^_`|~ only)",
                "pier.conf: 8: pier.routes[0].request-headers.add: unknown key 'add' (expected one of: remove, set)",
                "pier.conf: 9: pier.routes[0].response-headers.set.X-Obj: value of header 'X-Obj' is object "
                        + "(expected: a string; quote a name that has dots: \"X.Y\" = ...)",
                "pier.conf: 9: pier.routes[0].response-headers.set.X-Sp: value of header 'X-Sp': \" a\" "
                        + "(expected: printable ASCII, no CR or LF, no space at either end)",
                "pier.conf: 9: pier.routes[0].response-headers.set.Content-Length: header 'Content-Length' cannot "
                        + "be set or removed (it frames the message)",
                "pier.conf: 10: pier.routes[0].response-headers.remove[0]: header 'X-Request-Id' cannot be set or "
                        + "removed (Pier writes it itself)",
                "pier.conf: 11: pier.routes[0].deny: deny has type STRING rather than LIST",
                "pier.conf: 13: pier.routes[1].response-headers.set.x-dup: header 'x-dup' is set twice, also as "
                        + "'X-DUP' (header names are case-insensitive)",
                "pier.conf: 13: pier.routes[1].response-headers.remove[0]: header 'x-both' is both set and removed "
                        + "(expected: one or the other)");
    }

    @Test
    void theReaderKnowsTheKeysItAdds() {
        assertThat(PipelineSettingsReader.PIER_KEYS).containsExactlyInAnyOrder("client-address", "request-id");
        assertThat(PipelineSettingsReader.ROUTE_KEYS)
                .containsExactlyInAnyOrder("request-headers", "response-headers", "allow", "deny");
        Config reference = ConfigFactory.parseResources("reference.conf");
        assertThat(reference.getObject("pier").keySet()).containsAll(PipelineSettingsReader.PIER_KEYS);
        assertThat(reference.getObject("pier.route-defaults").keySet())
                .containsAll(PipelineSettingsReader.ROUTE_KEYS);
    }
}
