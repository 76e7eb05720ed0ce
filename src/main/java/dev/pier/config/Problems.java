package dev.pier.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Gathers configuration problems with their origins (file and line) and keys, so that every problem is reported at
 * once; reads values so that a wrong type becomes a problem too. Not thread-safe: one per load.
 */
final class Problems {
    private final List<ConfigException.ValidationProblem> list = new ArrayList<>();

    int size() {
        return list.size();
    }

    void add(ConfigOrigin origin, String path, String problem) {
        list.add(new ConfigException.ValidationProblem(path, origin, problem));
    }

    void add(Config config, String key, String path, String problem) {
        ConfigOrigin origin = config.hasPath(key) ? config.getValue(key).origin() : config.origin();
        add(origin, path, problem);
    }

    void add(ConfigException e, String path) {
        ConfigOrigin origin = e.origin() != null ? e.origin() : ConfigFactory.empty().origin();
        String message = e.getMessage();
        // The exception's message starts with the origin; the problem keeps only the explanation.
        String originText = origin.description() + ": ";
        if (message != null && message.startsWith(originText)) {
            message = message.substring(originText.length());
        }
        add(origin, path, message == null ? e.getClass().getSimpleName() : message);
    }

    <T> @Nullable T get(Config config, String key, String path, Getter<T> getter) {
        try {
            return getter.get(config, key);
        } catch (ConfigException e) {
            add(e, path);
            return null;
        }
    }

    @Nullable Duration duration(Config config, String key, String path, boolean positive) {
        Duration d = get(config, key, path, Config::getDuration);
        if (d != null && (d.isNegative() || (positive && d.isZero()))) {
            add(config, key, path, "duration: " + config.getValue(key).unwrapped()
                    + (positive ? " (expected: > 0)" : " (expected: >= 0)"));
            return null;
        }
        return d;
    }

    @Nullable Integer atLeast(Config config, String key, String path, int min) {
        Integer value = get(config, key, path, Config::getInt);
        if (value != null && value < min) {
            add(config, key, path, key + ": " + value + " (expected: >= " + min + ")");
            return null;
        }
        return value;
    }

    <E extends Enum<E>> @Nullable E enumValue(Config config, String key, String path, E[] values,
                                              Function<E, String> name) {
        String text = get(config, key, path, Config::getString);
        if (text == null) {
            return null;
        }
        for (E value : values) {
            if (name.apply(value).equals(text)) {
                return value;
            }
        }
        add(config, key, path, "unknown " + key + " '" + text + "' (expected one of: "
                + Arrays.stream(values).map(name).collect(Collectors.joining(", ")) + ")");
        return null;
    }

    void unknownKeys(ConfigObject object, String path, Set<String> known) {
        for (String key : object.keySet()) {
            if (!known.contains(key)) {
                add(object.get(key).origin(), path + "." + key, "unknown key '" + key + "' (expected one of: "
                        + known.stream().sorted().collect(Collectors.joining(", ")) + ")");
            }
        }
    }

    void throwIfAny() {
        if (!list.isEmpty()) {
            // A bad default under pier.health-check is seen once per route: report it once.
            Set<String> seen = new HashSet<>();
            List<ConfigException.ValidationProblem> distinct = list.stream()
                    .filter(p -> seen.add(p.origin().description() + p.path() + p.problem()))
                    .toList();
            throw new ConfigException.ValidationFailed(distinct);
        }
    }

    /** Reads one value of a config; a wrong type throws, and {@link #get} records it. */
    @FunctionalInterface
    interface Getter<T> {
        T get(Config config, String key);
    }
}
