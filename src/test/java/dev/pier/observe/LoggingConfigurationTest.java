package dev.pier.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The logging configuration an operator edits is the one the jar and the WAR carry. */
class LoggingConfigurationTest {

    @Test
    void theBundledLogbackXmlIsEtcLogbackXml() throws Exception {
        String etc = Files.readString(Path.of("etc/logback.xml"), StandardCharsets.UTF_8);
        try (InputStream bundled = Metrics.class.getClassLoader().getResourceAsStream("logback.xml")) {
            assertThat(bundled).as("logback.xml on the class path").isNotNull();
            assertThat(new String(bundled.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(etc);
        }
    }

    @Test
    void theAccessLogGoesThroughTheBatchingAppender() throws Exception {
        String etc = Files.readString(Path.of("etc/logback.xml"), StandardCharsets.UTF_8);

        assertThat(etc).contains("<logger name=\"pier.access\" level=\"INFO\" additivity=\"false\">\n"
                        + "    <appender-ref ref=\"ACCESS\"/>")
                .contains("<appender name=\"ACCESS\" class=\"dev.pier.logging.BatchingConsoleAppender\">");
    }
}
