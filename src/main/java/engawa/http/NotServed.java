package engawa.http;

import engawa.snapshot.CompileContext;

/**
 * Parts of the document this build accepts and validates but does not serve yet: {@code engawa check}
 * says so, and requests get 501 rather than a silent wrong answer.
 */
final class NotServed {

    private NotServed() {
    }

    static HttpHandler handler(CompileContext ctx, String at, String what) {
        ctx.problems().warning(at, what + ": accepted and validated, not served yet (requests get 501)");
        return ex -> ex.sendError(501);
    }
}
