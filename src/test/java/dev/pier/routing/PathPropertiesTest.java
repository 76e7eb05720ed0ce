package dev.pier.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.backend.Backend;
import dev.pier.backend.BackendPool;
import dev.pier.balancing.BalancingPolicy;
import dev.pier.config.BackendSettings;
import dev.pier.config.HashKeySettings;
import dev.pier.config.HealthCheckKind;
import dev.pier.config.HealthCheckSettings;
import dev.pier.config.PassiveHealthSettings;
import dev.pier.config.PolicyName;
import dev.pier.config.RouteSettings;
import dev.pier.config.WhenAllDown;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.eclipse.jetty.util.URIUtil;
import org.jspecify.annotations.Nullable;

/**
 * Properties of the path a request is routed by and sent on: {@link Paths#normalize}, prefix matching and the
 * backend's path.
 */
class PathPropertiesTest {

    /** Segments of request paths: plain, empty, dot segments, dot segments in disguise, escapes good and bad. */
    private static final String[] SEGMENTS = {"a", "b", "api", "v1", "", ".", "..", "...", "%2e", "%2E%2e", ".%2e",
        "%u002e", "%41", "%2F", "a%2F..", "x%20y", "%C3%BC", "%ff", "%", "%zz", "a;b", "..;", "..;x", ".;", "..%3b", "ü", "a?b"};
    /** Segments of route prefixes, as the loader accepts them. */
    private static final String[] PREFIX_SEGMENTS = {"a", "b", "api", "v1", "a.b", "%41"};

    // ---- Paths.normalize

    @Property
    void normalisingAnyTextNeverThrows(@ForAll String raw) {
        Paths.normalize(raw);
    }

    @Property
    void normalisingAnyPathNeverThrows(@ForAll("rawPaths") String raw) {
        Paths.normalize(raw);
    }

    @Property
    void normalisingTwiceIsNormalisingOnce(@ForAll("rawPaths") String raw) {
        String once = Paths.normalize(raw);
        if (once != null) {
            assertThat(Paths.normalize(once)).isEqualTo(once);
        }
    }

    @Property
    void aNormalisedPathHasNoDotSegmentsNotEvenEncoded(@ForAll("rawPaths") String raw) {
        String path = Paths.normalize(raw);
        if (path != null) {
            assertThat(path).startsWith("/");
            assertThat(names(path)).doesNotContain(".", "..");
            assertThat(names(URIUtil.decodePath(path))).doesNotContain(".", "..");
        }
    }

    @Property
    void aPathThatClimbsAboveTheRootIsRefused(@ForAll("rawPaths") String raw) {
        if (resolve(raw) == null) {
            assertThat(Paths.normalize(raw)).isNull();
        }
    }

    /**
     * Resolving dot segments keeps every other segment as it was sent: percent-encoding included, so that what
     * a route matches is what the backend reads. A path is refused only for climbing, a bad escape or a dot
     * segment in disguise.
     */
    @Property
    void normalisingKeepsEverySegmentAsSentAndRefusesOnlyForAReason(@ForAll("rawPaths") String raw) {
        String path = Paths.normalize(raw);
        String resolved = resolve(raw);
        if (path != null) {
            assertThat(path).isEqualTo(resolved);
        } else {
            assertThat(resolved == null || hidesADotSegment(resolved)).as("refused: %s", raw).isTrue();
        }
    }

    @Example
    void dotSegmentsInDisguiseAndBadEscapesAreRefused() {
        assertThat(Paths.normalize("/public/..;/admin")).isNull();
        assertThat(Paths.normalize("/public/..;x=1/admin")).isNull();
        assertThat(Paths.normalize("/public/.;/admin")).isNull();
        assertThat(Paths.normalize("/public/%2e%2e/admin")).isNull();
        assertThat(Paths.normalize("/public/..%3b/admin")).isNull();
        assertThat(Paths.normalize("/public/%")).isNull();
        assertThat(Paths.normalize("/public/%zz")).isNull();
        assertThat(Paths.normalize("/a;jsessionid=1/b/../c")).isEqualTo("/a;jsessionid=1/c");
        assertThat(Paths.normalize("/a/%41%2F/..%2e/b")).isEqualTo("/a/%41%2F/..%2e/b");
    }

    // ---- Prefix matching

    @Property
    void aRouteMatchesAPathIffThePathStartsWithItsSegments(@ForAll("prefixes") String prefix,
                                                           @ForAll("routedPaths") String path) {
        List<String> own = prefix.equals("/") ? List.of() : segments(prefix);
        List<String> of = segments(path);
        boolean startsWithSegments = of.size() >= own.size() && of.subList(0, own.size()).equals(own);
        assertThat(route(prefix, false).matches(path)).isEqualTo(startsWithSegments);
    }

    @Property
    void theLongestMatchingPrefixWins(@ForAll("prefixSets") Set<String> prefixes, @ForAll("routedPaths") String path) {
        Router router = new Router(prefixes.stream().map(p -> route(p, false)).toList());
        String expected = prefixes.stream().filter(p -> route(p, false).matches(path))
                .max(Comparator.comparingInt(String::length)).orElse(null);
        Route matched = router.match(path);
        assertThat(matched == null ? null : matched.prefix()).isEqualTo(expected);
    }

    // ---- The backend's path

    @Property
    void withoutStripPrefixTheBackendReceivesThePathTheRouteMatched(@ForAll("prefixes") String prefix,
                                                                   @ForAll("rawPaths") String raw) {
        String path = Paths.normalize(raw);
        Route route = route(prefix, false);
        if (path != null && route.matches(path)) {
            assertThat(route.backendPath(path)).isEqualTo(path);
        }
    }

    @Property
    void withStripPrefixThePrefixAndTheBackendsPathMakeThePathAgain(@ForAll("prefixes") String prefix,
                                                                   @ForAll("routedPaths") String path) {
        Route route = route(prefix, true);
        if (!route.matches(path)) {
            return;
        }
        String backendPath = route.backendPath(path);
        assertThat(backendPath).startsWith("/");
        if (prefix.equals("/")) {
            assertThat(backendPath).isEqualTo(path);
        } else if (path.equals(prefix)) {
            assertThat(backendPath).isEqualTo("/");
        } else {
            assertThat(prefix + backendPath).isEqualTo(path);
        }
    }

    @Property
    void strippingAPrefixNeverMakesAPathThatNormalisesDifferently(@ForAll("prefixes") String prefix,
                                                                 @ForAll("rawPaths") String raw) {
        String path = Paths.normalize(raw);
        Route route = route(prefix, true);
        if (path != null && route.matches(path)) {
            String backendPath = route.backendPath(path);
            assertThat(Paths.normalize(backendPath)).isEqualTo(backendPath);
        }
    }

    // ---- Generators and the model

    @Provide
    Arbitrary<String> rawPaths() {
        Arbitrary<String> segmented = Arbitraries.of(SEGMENTS).list().ofMaxSize(6)
                .map(segments -> "/" + String.join("/", segments));
        Arbitrary<String> characters = Arbitraries.strings().withChars("/.%2eEaF;?").ofMaxLength(12)
                .map(text -> "/" + text);
        return Arbitraries.oneOf(segmented, segmented.map(p -> p + "/"), characters);
    }

    @Provide
    Arbitrary<String> prefixes() {
        return Arbitraries.of(PREFIX_SEGMENTS).list().ofMaxSize(3).map(segments -> "/" + String.join("/", segments));
    }

    @Provide
    Arbitrary<Set<String>> prefixSets() {
        return prefixes().set().ofMinSize(1).ofMaxSize(5);
    }

    /** Normalised paths, often below a prefix and on either side of a segment boundary. */
    @Provide
    Arbitrary<String> routedPaths() {
        Arbitrary<String> suffix = Arbitraries.of("", "/", "/a", "/a/b/", "x", "x/a", ".b", "//", "/%41");
        Arbitrary<String> below = Arbitraries.oneOf(prefixes(), prefixes().map(p -> p + "/"))
                .flatMap(p -> suffix.map(s -> p.equals("/") ? p + s.replaceFirst("^/", "") : p + s));
        Arbitrary<String> any = Arbitraries.of(PREFIX_SEGMENTS).list().ofMaxSize(4)
                .map(segments -> "/" + String.join("/", segments));
        return Arbitraries.oneOf(below, any).filter(p -> p.equals(Paths.normalize(p)));
    }

    /** The segments after the leading {@code /}: {@code /a//b/} is a, "", b, "". */
    private static List<String> segments(String path) {
        return Arrays.asList(path.substring(1).split("/", -1));
    }

    /** The segments' names, each without its path parameters: {@code /a;x/..;y} is a, "..". */
    private static List<String> names(String path) {
        return segments(path).stream().map(segment -> segment.replaceFirst(";.*", "")).toList();
    }

    /**
     * RFC 3986 dot-segment removal over the segments as written: null when a {@code ..} would climb above the
     * root; a final {@code .} or {@code ..} leaves a trailing {@code /}.
     */
    private static @Nullable String resolve(String raw) {
        if (raw.isEmpty()) {
            return "/";
        }
        if (!raw.startsWith("/")) {
            return null;
        }
        Deque<String> kept = new ArrayDeque<>();
        List<String> segments = segments(raw);
        boolean trailing = false;
        for (String segment : segments) {
            trailing = false;
            if (segment.equals(".")) {
                trailing = true;
            } else if (segment.equals("..")) {
                if (kept.isEmpty()) {
                    return null;
                }
                kept.removeLast();
                trailing = true;
            } else {
                kept.addLast(segment);
            }
        }
        return "/" + String.join("/", kept) + (trailing && !kept.isEmpty() ? "/" : "");
    }

    private static boolean hidesADotSegment(String path) {
        try {
            List<String> decoded = names(URIUtil.decodePath(path));
            List<String> raw = names(path);
            return decoded.contains(".") || decoded.contains("..") || raw.contains(".") || raw.contains("..");
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    static Route route(String prefix, boolean stripPrefix) {
        RouteSettings settings = new RouteSettings(prefix, stripPrefix, PolicyName.ROUND_ROBIN,
                List.of(new BackendSettings("http", "127.0.0.1", 1, 1)), Duration.ofSeconds(1),
                new HealthCheckSettings(HealthCheckKind.HTTP, "/", Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 1),
                new HashKeySettings(HashKeySettings.Source.CLIENT_IP, ""), "c", 0, new PassiveHealthSettings(0, false),
                WhenAllDown.FAIL, -1, dev.pier.config.RouteStageSettings.NONE, List.of(),
                dev.pier.config.BackendTls.DEFAULT, prefix, List.of(),
                new dev.pier.config.WebSocketSettings(Duration.ofHours(1), 1 << 20));
        return new Route(settings, new BackendPool(List.of(new Backend("http://127.0.0.1:1", "127.0.0.1", 1, 1))),
                BalancingPolicy.roundRobin());
    }
}
