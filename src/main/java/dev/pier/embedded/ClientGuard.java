package dev.pier.embedded;

import dev.pier.config.ClientLimits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The embedded server's first handler: refuses what no backend should see, before the servlet does any work,
 * and tells the {@link HeadDeadline} when a request starts and ends. Refused: more header fields than
 * {@code pier.server.limits.max-header-count} (431); an HTTP/1.0 request with {@code Transfer-Encoding}, whose
 * framing RFC 9112 (section 6.1) says to treat as faulty (400, and the connection closes so that nothing behind
 * it is read as a request). On HTTP/1 it also sets the connection's idle timeout to
 * {@code body-idle-timeout} while the request is read and to {@code write-idle-timeout} once the answer is
 * written. Immutable; thread-safe.
 */
final class ClientGuard extends Handler.Wrapper {

    private final int maxHeaderCount;
    private final long bodyIdleMillis;
    private final long writeIdleMillis;
    private final HeadDeadline deadline;

    ClientGuard(Handler handler, ClientLimits limits, HeadDeadline deadline) {
        super(handler);
        this.maxHeaderCount = limits.maxHeaderCount();
        this.bodyIdleMillis = limits.bodyIdleTimeout().toMillis();
        this.writeIdleMillis = limits.writeIdleTimeout().toMillis();
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
        // HTTP/1: one exchange at a time on the connection, so its idle timeout is the exchange's. While the body
        // is read, the body's; once the answer is written, the writer's (see Writing).
        EndPoint endPoint = connection.getEndPoint();
        boolean http1 = request.getConnectionMetaData().getHttpVersion() != HttpVersion.HTTP_2
                && request.getConnectionMetaData().getHttpVersion() != HttpVersion.HTTP_3;
        if (http1) {
            endPoint.setIdleTimeout(bodyIdleMillis);
            if (writeIdleMillis != bodyIdleMillis) {
                response = new Writing(request, response, endPoint, writeIdleMillis);
            }
        }
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

    /** A response whose first write switches the connection to the write idle timeout. Confined to its exchange. */
    private static final class Writing extends Response.Wrapper {
        private final EndPoint endPoint;
        private final long idleMillis;
        private boolean writing;

        Writing(Request request, Response response, EndPoint endPoint, long idleMillis) {
            super(request, response);
            this.endPoint = endPoint;
            this.idleMillis = idleMillis;
        }

        @Override
        public void write(boolean last, ByteBuffer content, Callback callback) {
            if (!writing) {
                writing = true;
                endPoint.setIdleTimeout(idleMillis);
            }
            super.write(last, content, callback);
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
