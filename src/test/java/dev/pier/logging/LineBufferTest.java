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

    @Test
    void asciiOfTheGivenSetGoesInWholeAndAnythingElseLeavesNothing() {
        long low = 1L << '-' | 1L << '1';
        long high = 1L << ('a' - 64) | 1L << ('~' - 64);
        LineBuffer out = new LineBuffer(2);
        out.append("x=");

        assertThat(out.appendAscii("a-1~a", 0, 5, low, high)).isTrue();
        assertThat(out.appendAscii("aab", 0, 3, low, high)).isFalse();
        assertThat(out.appendAscii("a\u00e9", 0, 2, low, high)).isFalse();
        assertThat(out.appendAscii("a\u0161", 0, 2, low, high)).isFalse();
        assertThat(out.appendAscii("ba1b", 1, 3, low, high)).isTrue();

        assertThat(out).hasToString("x=a-1~aa1");
    }

    @Property
    void asciiAppendsExactlyWhenEveryCharacterIsInTheSet(@ForAll String text, @ForAll long low, @ForAll long high) {
        LineBuffer out = new LineBuffer(1);
        out.append('>');

        boolean appended = out.appendAscii(text, 0, text.length(), low, high);

        boolean inSet = text.chars().allMatch(c -> c < 128 && ((c < 64 ? low : high) & (1L << (c % 64))) != 0);
        assertThat(appended).isEqualTo(inSet);
        assertThat(out).hasToString(inSet ? ">" + text : ">");
    }

    @Property
    void anyTextRoundTrips(@ForAll String text, @ForAll long number) {
        LineBuffer out = new LineBuffer(8);
        out.append(text).append(number);

        assertThat(out.toString()).isEqualTo(new String((text + number).getBytes(StandardCharsets.UTF_8),
                StandardCharsets.UTF_8));
    }
}
