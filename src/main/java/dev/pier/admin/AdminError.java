package dev.pier.admin;

/**
 * A request to an admin endpoint that cannot be served as asked: its status (400, 404, 413) and a message for
 * the operator. Immutable.
 */
final class AdminError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    AdminError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    static AdminError badRequest(String message) {
        return new AdminError(400, message);
    }

    static AdminError notFound(String message) {
        return new AdminError(404, message);
    }

    int status() {
        return status;
    }
}
