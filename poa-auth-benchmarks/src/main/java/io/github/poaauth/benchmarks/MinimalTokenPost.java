package io.github.poaauth.benchmarks;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * The yardstick of the CLI's cold start (what any Java program pays, so that the CLI is judged by
 * what it adds): the least a Java program does to get a token from POA's endpoint. It sends the
 * request {@code poa-auth token} sends (the same form POST with the same three fields and {@code
 * Accept} header, to the same path) with {@code java.net.http} and prints the response body; it
 * reads {@code POA_BASE_URL}, {@code POA_CLIENT_ID} and {@code POA_CLIENT_SECRET} as the CLI does.
 * No retry, no parsing, no error handling beyond the exit code. {@code ColdStartHarness} launches
 * it with {@code java -cp poa-auth-benchmarks/target/poa-auth-benchmarks-VERSION.jar} and no JVM
 * option.
 */
public final class MinimalTokenPost {
  private MinimalTokenPost() {
  }

  public static void main(String[] args) throws Exception {
    String form = "client_id=" + URLEncoder.encode(System.getenv("POA_CLIENT_ID"),
        StandardCharsets.UTF_8)
        + "&client_secret=" + URLEncoder.encode(System.getenv("POA_CLIENT_SECRET"),
        StandardCharsets.UTF_8)
        + "&grant_type=client_credentials";
    HttpRequest request = HttpRequest.newBuilder(
            URI.create(System.getenv("POA_BASE_URL") + "/v2/auth/cybrillarta/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(form))
        .build();
    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
    System.out.println(response.body());
    if (response.statusCode() != 200) {
      System.exit(1);
    }
  }
}
