package io.flowexport.destination.http;

/**
 * The result of {@link HttpDelivery#check}.
 *
 * @param ok      true when the endpoint answered and did not refuse the credentials
 * @param message one line for the operator, e.g. {@code reachable and authorised (HTTP 405 on HEAD)} or
 *                {@code not authorised: HTTP 401 on HEAD with bearer token; check the token}; never a secret
 */
public record CheckOutcome(boolean ok, String message) {
}
