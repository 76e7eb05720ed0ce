package dev.pier.pipeline;

import static java.util.Objects.requireNonNull;

import dev.pier.routing.Route;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The stages of one configuration: those that run before routing (request id, client address) for every
 * request, and each route's own (rate limits, access rules, header rules). Built with the configuration and
 * swapped with it on reload, so a request runs the stages of one configuration from start to end. Immutable.
 */
public final class Pipeline {

    private final Stages global;
    private final Map<String, Stages> byRoute;

    /**
     * @param global the stages of every request, before routing
     * @param byRoute each route's stages, by route name
     */
    public Pipeline(Stages global, Map<String, Stages> byRoute) {
        this.global = requireNonNull(global, "global");
        this.byRoute = Map.copyOf(byRoute);
    }

    /** Runs the stages before routing; null to go on, else Pier's answer. */
    public @Nullable LocalReply beforeRouting(RequestContext context) {
        return global.onRequest(context);
    }

    /** Runs the matched route's stages; null to go on, else Pier's answer. */
    public @Nullable LocalReply afterRouting(RequestContext context) {
        Stages stages = routeStages(context);
        return stages == null ? null : stages.onRequest(context);
    }

    /** Edits the headers of one try to the backend: the global stages', then the route's. */
    public void forward(RequestContext context, HeaderEditor backendRequest) {
        global.onForward(context, backendRequest);
        Stages stages = routeStages(context);
        if (stages != null) {
            stages.onForward(context, backendRequest);
        }
    }

    /**
     * Edits an answer's headers on its way to the client: the route's response stages, then the global ones,
     * each list in reverse; then the headers that stages asked for on the context.
     */
    public void respond(RequestContext context, int status, HeaderEditor clientResponse) {
        Stages stages = routeStages(context);
        if (stages != null) {
            stages.onResponse(context, status, clientResponse);
        }
        global.onResponse(context, status, clientResponse);
        for (Map.Entry<String, String> header : context.responseHeaders()) {
            clientResponse.set(header.getKey(), header.getValue());
        }
    }

    /** The stages of the route named {@code name}, or null when it has none. */
    public @Nullable Stages stagesOf(String name) {
        return byRoute.get(name);
    }

    private @Nullable Stages routeStages(RequestContext context) {
        Route route = context.route();
        return route == null ? null : byRoute.get(route.name());
    }

    /** An ordered list of request stages and of response stages. Immutable. */
    public record Stages(List<RequestStage> request, List<ResponseStage> response) {

        public static final Stages NONE = new Stages(List.of(), List.of());

        public Stages {
            request = List.copyOf(request);
            response = List.copyOf(response);
        }

        @Nullable LocalReply onRequest(RequestContext context) {
            for (int i = 0; i < request.size(); i++) {
                LocalReply reply = request.get(i).onRequest(context);
                if (reply != null) {
                    return reply;
                }
            }
            return null;
        }

        void onForward(RequestContext context, HeaderEditor headers) {
            for (int i = 0; i < request.size(); i++) {
                request.get(i).onForward(context, headers);
            }
        }

        void onResponse(RequestContext context, int status, HeaderEditor headers) {
            for (int i = response.size() - 1; i >= 0; i--) {
                response.get(i).onResponse(context, status, headers);
            }
        }
    }
}
