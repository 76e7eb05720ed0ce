package dev.pier.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class LineBufferTest {

    @Test
    void textIsUtf8AsStringWouldEncodeIt() throws Exception {
        String text = "a\u00e9\u20ac\uD83D\uDE00z";
        LineBuffer out = new LineBuffer(1);

        out.append(text).append(' ').append('\u00e9').append(text, 1, 3);

        ByteArrayOutputStream written = new ByteArrayOutputStream();
        out.writeTo(written);
        assertThat(written.toByteArray()).isEqualTo((text + " \u00e9\u00e9\u20ac").getBytes(StandardCharsets.UTF_8));
        assertThat(out.length()).isZero();
    }

    @Test
    void aLoneSurrogateIsAQuestionMark() {
        assertThat(new LineBuffer(4).append("x\uD83Dy").append('\uDE00').toString()).isEqualTo("x?y?");
    }

    @Test
    void numbersAreDecimal() {
        LineBuffer out = new LineBuffer(2);
        out.append(0).append(' ').append(7).append(' ').append(1_234_567_890_123L).append(' ').append(-42)
                .append(' ').append(Long.MIN_VALUE).append(' ').append(Long.MAX_VALUE);

        assertThat(out).hasToString("0 7 1234567890123 -42 " + Long.MIN_VALUE + " " + Long.MAX_VALUE);
    }

    @Property
    void anyTextRoundTrips(@ForAll String text, @ForAll long number) {
        LineBuffer out = new LineBuffer(8);
        out.append(text).append(number);

        assertThat(out.toString()).isEqualTo(new String((text + number).getBytes(StandardCharsets.UTF_8),
                StandardCharsets.UTF_8));
    }
}
