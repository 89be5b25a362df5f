package io.github.poaauth.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** What {@link PoaApiAuthorization}'s host rule judges from a URL string: its origin only. */
class AllowedHostsTest {
  private static final List<String> HOSTS = List.of("api.poa.example.com", "127.0.0.1:8443");

  /** URLs that share a prefix with an allowed origin, or differ from one in one detail. */
  private static final List<String> URLS = List.of(
      "https://api.poa.example.com/v2/folios",
      "https://api.poa.example.com",
      "https://api.poa.example.com?page=2",
      "https://api.poa.example.com#top",
      "https://api.poa.example.com.evil.example/v2/folios",
      "https://api.poa.example.com@evil.example/v2/folios",
      "https://api.poa.example.com:8443/v2/folios",
      "https://api.poa.example.com:443/v2/folios",
      "https://user@api.poa.example.com/v2/folios",
      "http://api.poa.example.com/v2/folios",
      "HTTPS://API.POA.EXAMPLE.COM/v2/folios",
      "https://evil.example/collect",
      "https://evil.example/collect?to=https://api.poa.example.com",
      "http://127.0.0.1:8443/x",
      "http://127.0.0.1:8444/x",
      "http://127.0.0.1/x",
      "https://api.poa.example.com\\@evil.example/",
      "https://api.poa.example.com/a b",
      "not a url",
      "");

  /** Judging hosts asks the provider for nothing: it only has to exist. */
  private static final PoaTokenProvider TOKENS = PoaTokenProvider.builder()
      .baseUrl("https://poa.example.com").clientId("partner-1").clientSecret("top-secret").build();

  @AfterAll
  static void close() {
    TOKENS.close();
  }

  private static PoaApiAuthorization forHosts(List<String> hosts) {
    return PoaApiAuthorization.forHosts(TOKENS, hosts);
  }

  @Test
  void judgements() {
    PoaApiAuthorization hosts = forHosts(HOSTS);

    assertThat(URLS.stream().filter(hosts::mayCarryToken).toList())
        .containsExactly(
            "https://api.poa.example.com/v2/folios",
            "https://api.poa.example.com",
            "https://api.poa.example.com?page=2",
            "https://api.poa.example.com#top",
            "https://api.poa.example.com:8443/v2/folios", // a host given without port: any port
            "https://api.poa.example.com:443/v2/folios",
            "HTTPS://API.POA.EXAMPLE.COM/v2/folios",
            "http://127.0.0.1:8443/x",
            "https://api.poa.example.com/a b"); // the origin decides; the path plays no part
    assertThat(hosts.mayCarryToken((String) null)).isFalse();
    assertThat(hosts.mayCarryToken((java.net.URI) null)).isFalse();
  }

  @Test
  void origin_endsWhereTheAuthorityEnds() {
    assertThat(PoaApiAuthorization.originOf("https://a.example:8443/x?y#z")).isEqualTo("https://a.example:8443");
    assertThat(PoaApiAuthorization.originOf("https://a.example?y")).isEqualTo("https://a.example");
    assertThat(PoaApiAuthorization.originOf("https://a.example")).isEqualTo("https://a.example");
    assertThat(PoaApiAuthorization.originOf("/relative")).isNull();
  }

  @Test
  void hosts_areKeptAsGiven_inOrder_lowerCase() {
    assertThat(forHosts(List.of("B.example:8443", "a.example")).hosts())
        .containsExactly("b.example:8443", "a.example");
  }
}
