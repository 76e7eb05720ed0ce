package dev.pier.tls;

/** A TLS file that is missing, unreadable or not what it should be; the message names the file and how to fix it. */
public final class TlsFileException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    TlsFileException(String message) {
        super(message);
    }

    TlsFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
