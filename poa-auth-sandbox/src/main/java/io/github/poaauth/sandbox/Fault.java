package io.github.poaauth.sandbox;

/** One scripted fault: the answer to a token request in place of the normal one. */
sealed interface Fault {

  /** Answer with a 5xx status. */
  record ServerError(int status) implements Fault {}

  /** Answer 429 with {@code Retry-After: seconds}. */
  record TooManyRequests(long retryAfterSeconds) implements Fault {}

  /** Read the request, then close the connection without a response. */
  record DropConnection() implements Fault {}

  /** Answer 200 {@code application/json} with a JSON body cut off half-way. */
  record MalformedBody() implements Fault {}

  /** Answer as the reply says: any status, headers and body, delivered its way. */
  record Scripted(Reply reply) implements Fault {}
}
