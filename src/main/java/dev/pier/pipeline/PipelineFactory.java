package dev.pier.pipeline;

import static java.util.Objects.requireNonNull;

import dev.pier.config.ClientAddressSettings;
import dev.pier.config.RequestIdSettings;
import dev.pier.config.RouteStageSettings;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the {@link Pipeline} of one configuration. Before routing, for every request: the request id, then the
 * client's address. Per route: its access rules, then the stages given for it from elsewhere (rate limits), then
 * its header rules; response stages run in reverse, so the header rules edit an answer first. A stage that would
 * do nothing is left out. Stateless.
 */
public final class PipelineFactory {

    private PipelineFactory() {
    }

    /** The pipeline with no stages but those of {@code routes}. */
    public static Pipeline create(ClientAddressSettings clientAddress, RequestIdSettings requestId,
                                  Map<String, RouteStageSettings> routes) {
        return create(clientAddress, requestId, routes, Map.of());
    }

    /**
     * @param routes each route's settings, by route name
     * @param afterAccessRules more stages of a route, by route name: they run after its access rules and before its
     *                         header rules (a route's rate limits); a route may be missing
     */
    public static Pipeline create(ClientAddressSettings clientAddress, RequestIdSettings requestId,
                                  Map<String, RouteStageSettings> routes,
                                  Map<String, Pipeline.Stages> afterAccessRules) {
        requireNonNull(clientAddress, "clientAddress");
        requireNonNull(requestId, "requestId");
        requireNonNull(routes, "routes");
        requireNonNull(afterAccessRules, "afterAccessRules");
        RequestIdStage id = new RequestIdStage(requestId.trustIncoming());
        Pipeline.Stages global = new Pipeline.Stages(
                List.of(id, new ClientAddressStage(new ClientAddressResolver(clientAddress))), List.of(id));
        Set<String> prefixes = new LinkedHashSet<>(routes.keySet());
        prefixes.addAll(afterAccessRules.keySet());
        Map<String, Pipeline.Stages> byRoute = new HashMap<>();
        for (String prefix : prefixes) {
            Pipeline.Stages stages = routeStages(routes.getOrDefault(prefix, RouteStageSettings.NONE),
                    afterAccessRules.getOrDefault(prefix, Pipeline.Stages.NONE));
            if (!stages.request().isEmpty() || !stages.response().isEmpty()) {
                byRoute.put(prefix, stages);
            }
        }
        return new Pipeline(global, byRoute);
    }

    private static Pipeline.Stages routeStages(RouteStageSettings settings, Pipeline.Stages inserted) {
        List<RequestStage> request = new ArrayList<>();
        List<ResponseStage> response = new ArrayList<>();
        if (!settings.allow().isEmpty() || !settings.deny().isEmpty()) {
            request.add(new AccessRulesStage(settings.allow(), settings.deny()));
        }
        request.addAll(inserted.request());
        response.addAll(inserted.response());
        HeaderRulesStage headers = new HeaderRulesStage(settings.requestHeaders(), settings.responseHeaders());
        if (headers.editsRequests()) {
            request.add(headers);
        }
        if (headers.editsResponses()) {
            response.add(headers);
        }
        return new Pipeline.Stages(request, response);
    }
}
