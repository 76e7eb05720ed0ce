package dev.pier.config;

import static java.util.Objects.requireNonNull;

/**
 * The access log ({@code pier.access-log}): one line per request on the {@code pier.access} logger. Immutable.
 *
 * @param enabled whether lines are written at all
 * @param format how a line is written
 * @param includeQuery whether the path is logged with its query
 */
public record AccessLogSettings(boolean enabled, Format format, boolean includeQuery) {

    public AccessLogSettings {
        requireNonNull(format, "format");
    }

    /** How an access-log line is written. */
    public enum Format {
        /** {@code key=value} pairs separated by spaces. */
        LOGFMT("logfmt"),
        /** One JSON object. */
        JSON("json");

        private final String configName;

        Format(String configName) {
            this.configName = configName;
        }

        /** The name in the configuration file. */
        public String configName() {
            return configName;
        }
    }
}
