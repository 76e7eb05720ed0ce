package dev.pier.proxy;

import dev.pier.pipeline.HeaderEditor;
import dev.pier.pipeline.RequestHead;
import dev.pier.web.ServletCookies;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.eclipse.jetty.http.HttpFields;
import org.jspecify.annotations.Nullable;

/**
 * The servlet's request, its response and the backend request's fields as the pipeline's stages see them. Each
 * adapter is confined to one request's thread of the moment.
 */
final class ServletHeads {

    private ServletHeads() {
    }

    /** The head of a client's request; {@code path} is the normalised path, or the raw one when refused. */
    static RequestHead request(HttpServletRequest request, String path) {
        return new Head(request, path);
    }

    /** Edits the answer to the client before it is committed. */
    static HeaderEditor response(HttpServletResponse response) {
        return new ResponseEditor(response);
    }

    /** Edits the fields of a request to a backend. */
    static HeaderEditor fields(HttpFields.Mutable fields) {
        return new FieldsEditor(fields);
    }

    private record Head(HttpServletRequest request, String path) implements RequestHead {

        @Override
        public String method() {
            return request.getMethod();
        }

        @Override
        public @Nullable String header(String name) {
            return request.getHeader(name);
        }

        @Override
        public List<String> headers(String name) {
            Enumeration<String> values = request.getHeaders(name);
            return values == null || !values.hasMoreElements() ? List.of() : Collections.list(values);
        }

        @Override
        public @Nullable String cookie(String name) {
            return ServletCookies.value(request, name);
        }

        @Override
        public String peerAddress() {
            return request.getRemoteAddr();
        }
    }

    private record ResponseEditor(HttpServletResponse response) implements HeaderEditor {

        @Override
        public void set(String name, String value) {
            response.setHeader(name, value);
        }

        @Override
        public void add(String name, String value) {
            response.addHeader(name, value);
        }

        @Override
        public void remove(String name) {
            // Servlet 6: a null value removes the header.
            response.setHeader(name, null);
        }
    }

    private record FieldsEditor(HttpFields.Mutable fields) implements HeaderEditor {

        @Override
        public void set(String name, String value) {
            fields.put(name, value);
        }

        @Override
        public void add(String name, String value) {
            fields.add(name, value);
        }

        @Override
        public void remove(String name) {
            fields.remove(name);
        }
    }
}
