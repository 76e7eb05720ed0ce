package dev.pier.logging;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable array of UTF-8 bytes that log lines are written into, character by character as their fields are
 * formatted: no {@link StringBuilder}, no {@link String} and no encoding copy between a line's values and the bytes
 * written out. {@link BatchingConsoleAppender}'s writer thread keeps one for every batch; a line formatted for
 * another appender uses one of its own and {@link #toString}. Not thread-safe: one owner at a time.
 */
public final class LineBuffer {

    private byte[] bytes;
    private int length;

    /** A buffer with room for {@code capacity} bytes before it grows. */
    public LineBuffer(int capacity) {
        this.bytes = new byte[Math.max(capacity, 16)];
    }

    /** The bytes written so far. */
    public int length() {
        return length;
    }

    /** Forgets what was written; keeps the room. */
    public void clear() {
        length = 0;
    }

    /** Forgets what was written after the first {@code mark} bytes (a {@link #length} taken before). */
    public void truncate(int mark) {
        if (mark < 0 || mark > length) {
            throw new IndexOutOfBoundsException("mark " + mark + " of " + length);
        }
        length = mark;
    }

    public LineBuffer append(char c) {
        if (c < 0x80) {
            room(1);
            bytes[length++] = (byte) c;
        } else {
            appendWide(c, (char) 0);
        }
        return this;
    }

    /** Appends {@code text} whole; see {@link #append(CharSequence, int, int)}. */
    public LineBuffer append(CharSequence text) {
        return append(text, 0, text.length());
    }

    /** Appends the characters of {@code text} from {@code from} to {@code to} (exclusive) as UTF-8. */
    public LineBuffer append(CharSequence text, int from, int to) {
        room(to - from);
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes[length++] = (byte) c;
            } else {
                char next = i + 1 < to ? text.charAt(i + 1) : 0;
                if (appendWide(c, next)) {
                    i++;
                }
                room(to - i);
            }
        }
        return this;
    }

    /** Appends {@code value} in decimal. */
    public LineBuffer append(long value) {
        if (value < 0) {
            if (value == Long.MIN_VALUE) {
                return append(Long.toString(value));
            }
            append('-');
            value = -value;
        }
        int digits = 1;
        for (long rest = value / 10; rest > 0; rest /= 10) {
            digits++;
        }
        room(digits);
        for (int i = length + digits - 1; i >= length; i--) {
            bytes[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        length += digits;
        return this;
    }

    /** Appends bytes as they are. */
    public LineBuffer append(byte[] raw) {
        return append(raw, 0, raw.length);
    }

    /** Appends {@code count} bytes of {@code raw} from {@code from}, as they are. */
    public LineBuffer append(byte[] raw, int from, int count) {
        room(count);
        System.arraycopy(raw, from, bytes, length, count);
        length += count;
        return this;
    }

    /**
     * Appends the characters of {@code text} from {@code from} to {@code to} (exclusive), one byte each, when every
     * one is an ASCII character of the set {@code low} and {@code high} give (bit {@code c} of {@code low} for a
     * character {@code c} below 64, bit {@code c - 64} of {@code high} for one from 64 to 127), and answers true;
     * otherwise appends nothing and answers false. One pass: what a value that needs no quotes or escapes costs.
     */
    public boolean appendAscii(CharSequence text, int from, int to, long low, long high) {
        room(to - from);
        byte[] out = bytes;
        int at = length;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            // A shift takes the low six bits of its count: 1L << c is bit c % 64 of either mask.
            if (c >= 128 || ((c < 64 ? low : high) & 1L << c) == 0) {
                return false;
            }
            out[at++] = (byte) c;
        }
        length = at;
        return true;
    }

    /** Writes the bytes written so far to {@code out}, then forgets them. */
    public void writeTo(OutputStream out) throws IOException {
        if (length > 0) {
            out.write(bytes, 0, length);
        }
        length = 0;
    }

    /** What was written, decoded. */
    @Override
    public String toString() {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    /**
     * Appends {@code c}, at least 0x80, as two or three bytes; a high surrogate followed by a low one ({@code next})
     * as the four bytes of their code point, and then answers true (both taken). A lone surrogate becomes {@code ?},
     * as {@link String#getBytes} makes it.
     */
    private boolean appendWide(char c, char next) {
        room(4);
        if (c < 0x800) {
            bytes[length++] = (byte) (0xc0 | c >> 6);
            bytes[length++] = (byte) (0x80 | c & 0x3f);
            return false;
        }
        if (!Character.isSurrogate(c)) {
            bytes[length++] = (byte) (0xe0 | c >> 12);
            bytes[length++] = (byte) (0x80 | c >> 6 & 0x3f);
            bytes[length++] = (byte) (0x80 | c & 0x3f);
            return false;
        }
        if (Character.isHighSurrogate(c) && Character.isLowSurrogate(next)) {
            int point = Character.toCodePoint(c, next);
            bytes[length++] = (byte) (0xf0 | point >> 18);
            bytes[length++] = (byte) (0x80 | point >> 12 & 0x3f);
            bytes[length++] = (byte) (0x80 | point >> 6 & 0x3f);
            bytes[length++] = (byte) (0x80 | point & 0x3f);
            return true;
        }
        bytes[length++] = '?';
        return false;
    }

    private void room(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
