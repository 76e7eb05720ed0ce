package dev.pier.embedded;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The embedded server's first handler: refuses what no backend should see, before the servlet does any work,
 * and tells the {@link HeadDeadline} when a request starts and ends. Refused: more header fields than
 * {@code pier.server.limits.max-header-count} (431); an HTTP/1.0 request with {@code Transfer-Encoding}, whose
 * framing RFC 9112 (section 6.1) says to treat as faulty (400, and the connection closes so that nothing behind
 * it is read as a request). Immutable; thread-safe.
 */
final class ClientGuard extends Handler.Wrapper {

    private final int maxHeaderCount;
    private final HeadDeadline deadline;

    ClientGuard(Handler handler, int maxHeaderCount, HeadDeadline deadline) {
        super(handler);
        this.maxHeaderCount = maxHeaderCount;
        this.deadline = deadline;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.getHeaders().size() > maxHeaderCount) {
            refuse(response, callback, HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431,
                    "More than " + maxHeaderCount + " header fields");
            return true;
        }
        if (request.getConnectionMetaData().getHttpVersion() == HttpVersion.HTTP_1_0
                && request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING)) {
            refuse(response, callback, HttpStatus.BAD_REQUEST_400, "Transfer-Encoding in an HTTP/1.0 request");
            return true;
        }
        Connection connection = request.getConnectionMetaData().getConnection();
        deadline.requestStarted(connection);
        Callback ended = new Callback.Nested(callback) {
            @Override
            public void succeeded() {
                deadline.requestEnded(connection);
                super.succeeded();
            }

            @Override
            public void failed(Throwable failure) {
                deadline.requestEnded(connection);
                super.failed(failure);
            }
        };
        try {
            boolean handled = super.handle(request, response, ended);
            if (!handled) {
                deadline.requestEnded(connection);
            }
            return handled;
        } catch (Throwable failure) {
            deadline.requestEnded(connection);
            throw failure;
        }
    }

    /** Answers {@code status} as plain text and closes the connection after it. */
    private static void refuse(Response response, Callback callback, int status, String message) {
        response.setStatus(status);
        response.getHeaders().put(new HttpField(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString()));
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
        response.write(true, ByteBuffer.wrap((message + "\n").getBytes(StandardCharsets.UTF_8)), callback);
    }
}
