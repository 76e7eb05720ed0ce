package dev.pier.pipeline;

import dev.pier.config.HeaderRuleSettings;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A route's header rules: on each try to the backend, the request rules; on every answer to the client, the
 * response rules. Each side sets its headers (every field of a name replaced by the one value), then removes its
 * names. The names were validated: none is hop-by-hop or one Pier writes. Immutable.
 */
final class HeaderRulesStage implements RequestStage, ResponseStage {

    private final Side request;
    private final Side response;

    HeaderRulesStage(HeaderRuleSettings request, HeaderRuleSettings response) {
        this.request = new Side(request);
        this.response = new Side(response);
    }

    /** Whether the request side changes anything: else the stage need not run on the way in. */
    boolean editsRequests() {
        return !request.isEmpty();
    }

    /** Whether the response side changes anything: else the stage need not run on the way out. */
    boolean editsResponses() {
        return !response.isEmpty();
    }

    @Override
    public @Nullable LocalReply onRequest(RequestContext context) {
        return null;
    }

    @Override
    public void onForward(RequestContext context, HeaderEditor backendRequest) {
        request.apply(backendRequest);
    }

    @Override
    public void onResponse(RequestContext context, int status, HeaderEditor clientResponse) {
        response.apply(clientResponse);
    }

    /** One side's rules in arrays, for a loop without iterators. */
    private static final class Side {
        private final String[] setNames;
        private final String[] setValues;
        private final String[] remove;

        Side(HeaderRuleSettings rules) {
            setNames = new String[rules.set().size()];
            setValues = new String[setNames.length];
            int i = 0;
            for (Map.Entry<String, String> header : rules.set().entrySet()) {
                setNames[i] = header.getKey();
                setValues[i] = header.getValue();
                i++;
            }
            remove = rules.remove().toArray(new String[0]);
        }

        boolean isEmpty() {
            return setNames.length == 0 && remove.length == 0;
        }

        void apply(HeaderEditor headers) {
            for (int i = 0; i < setNames.length; i++) {
                headers.set(setNames[i], setValues[i]);
            }
            for (String name : remove) {
                headers.remove(name);
            }
        }
    }
}
