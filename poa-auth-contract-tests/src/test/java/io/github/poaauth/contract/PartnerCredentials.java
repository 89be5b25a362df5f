package io.github.poaauth.contract;

import java.util.List;

/**
 * The two kinds of credential values in the contract tests, kept apart on purpose.
 *
 * <p>{@code EXAMPLE_*} values are what the pact files hold: a regex matcher pins the shape of
 * {@code client_id} and {@code client_secret}, and Pact writes the example next to it. They are
 * obviously fake, and a provider verifying the pact seeds exactly these.
 *
 * <p>{@code SENT_*} values are what the tests make the real clients send, shaped like real
 * credentials. The matchers accept them, and Pact must never write them anywhere:
 * {@code PactFilesHoldNoSecretsIT} scans every pact file for {@link #VALUES_SENT}.
 */
final class PartnerCredentials {

  /** Any non-empty value, as the spec's {@code minLength: 1}: the client sends what it is given. */
  static final String CREDENTIAL_PATTERN = ".+";

  static final String EXAMPLE_CLIENT_ID = "example-partner-client";
  static final String EXAMPLE_CLIENT_SECRET = "example-secret-not-real";
  static final String EXAMPLE_WRONG_CLIENT_SECRET = "example-wrong-secret-not-real";
  static final String EXAMPLE_UNKNOWN_CLIENT_ID = "example-unknown-client";

  static final String SENT_CLIENT_ID = "amc-distributor-7731";
  static final String SENT_CLIENT_SECRET = "Vq3cT9xLw2RkP8sNf6YhJ4uMb1ZdG5Ea";
  static final String SENT_WRONG_CLIENT_SECRET = "Hn8Wq2Lk5Tz9Rc3Xv7Bm1Pd6Fs4Gj0Ya";
  static final String SENT_UNKNOWN_CLIENT_ID = "amc-advisor-unregistered-0042";

  /** Every credential value a test sends, secrets and ids: none of them may appear in a pact file. */
  static final List<String> VALUES_SENT = List.of(
      SENT_CLIENT_SECRET, SENT_WRONG_CLIENT_SECRET, SENT_CLIENT_ID, SENT_UNKNOWN_CLIENT_ID);

  private PartnerCredentials() {}
}
