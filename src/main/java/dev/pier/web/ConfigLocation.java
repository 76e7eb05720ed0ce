package dev.pier.web;

import jakarta.servlet.ServletContext;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Finds Pier's configuration file: the {@code PIER_CONFIG} environment variable, else the {@code pier.config}
 * system property, else the {@code pier.config} context init-parameter. Stateless.
 */
final class ConfigLocation {

    static final String ENVIRONMENT_VARIABLE = "PIER_CONFIG";
    static final String SYSTEM_PROPERTY = "pier.config";
    static final String INIT_PARAMETER = "pier.config";

    private ConfigLocation() {
    }

    static Path find(ServletContext context) {
        return find(System.getenv(), System::getProperty, context::getInitParameter);
    }

    static Path find(Map<String, String> environment, Function<String, @Nullable String> systemProperties,
                     Function<String, @Nullable String> initParameters) {
        String value = environment.get(ENVIRONMENT_VARIABLE);
        if (blank(value)) {
            value = systemProperties.apply(SYSTEM_PROPERTY);
        }
        if (blank(value)) {
            value = initParameters.apply(INIT_PARAMETER);
        }
        if (blank(value)) {
            throw new IllegalStateException("No Pier configuration file given: set the " + ENVIRONMENT_VARIABLE
                    + " environment variable, the " + SYSTEM_PROPERTY + " system property or the "
                    + INIT_PARAMETER + " context init-parameter to the path of a HOCON file");
        }
        return Path.of(value.trim());
    }

    private static boolean blank(@Nullable String value) {
        return value == null || value.isBlank();
    }
}
