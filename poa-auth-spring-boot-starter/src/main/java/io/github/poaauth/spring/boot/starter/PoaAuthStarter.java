package io.github.poaauth.spring.boot.starter;

/**
 * The three properties this starter needs, by name: with them set (the secret from the
 * environment or a secret store), a Spring Boot 4 application has a {@code PoaTokenProvider}
 * and its HTTP clients carry POA's bearer token. The starter is otherwise a dependency only;
 * every other {@code poa.auth.*} property is optional and documented in the IDE.
 *
 * <pre>{@code
 * poa.auth.base-url=https://poa.example.com
 * poa.auth.client-id=${POA_CLIENT_ID}
 * poa.auth.client-secret=${POA_CLIENT_SECRET}
 * }</pre>
 */
public final class PoaAuthStarter {
  /** The POA environment's address: {@value}. */
  public static final String BASE_URL = "poa.auth.base-url";
  /** The client_id POA support shared: {@value}. */
  public static final String CLIENT_ID = "poa.auth.client-id";
  /** The client_secret POA support shared, never in a committed file: {@value}. */
  public static final String CLIENT_SECRET = "poa.auth.client-secret";

  private PoaAuthStarter() {
  }
}
