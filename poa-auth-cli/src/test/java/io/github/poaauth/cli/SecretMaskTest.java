package io.github.poaauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 15 (B): every spelling of a secret is masked, not only the literal one. */
class SecretMaskTest {

  /** The example secret: a space, a plus, a slash and an equals sign. */
  private static final String SECRET = "a b+c/=";
  private static final SecretMask MASK = SecretMask.none().with(SECRET);

  @ParameterizedTest
  @ValueSource(strings = {
      "a b+c/=",                               // literal
      "a+b%2Bc%2F%3D",                         // form-encoded (URLEncoder)
      "a%20b%2Bc%2F%3D",                       // URL-encoded
      "a+b%2bc%2f%3d",                         // hex digits in lower case
      "%61%20%62%2B%63%2F%3D",                 // every byte escaped
      "a b+c\\/=",                             // JSON with an escaped slash
      "\\u0061\\u0020b\\u002Bc\\u002f\\u003d",  // JSON unicode escapes, either case
      "a+b+c/%3D"                              // a mix: '+' is the form's space, then literal '+'
  })
  void everySpelling_isMasked(String spelling) {
    String text = "before " + spelling + " after";

    assertThat(MASK.mask(text)).isEqualTo("before **** after");
    assertThat(MASK.reveals(text)).isTrue();
  }

  @Test
  void theFormSpelling_isWhatTheJdkEncoderWrites() {
    assertThat(URLEncoder.encode(SECRET, StandardCharsets.UTF_8)).isEqualTo("a+b%2Bc%2F%3D");
    assertThat(MASK.mask("client_secret=" + URLEncoder.encode(SECRET, StandardCharsets.UTF_8)))
        .isEqualTo("client_secret=****");
  }

  @Test
  void nonAsciiAndQuotes_areMaskedInTheirUtf8AndJsonSpellings() {
    String secret = "pä\"ss";
    SecretMask mask = SecretMask.none().with(secret);

    assertThat(mask.mask(URLEncoder.encode(secret, StandardCharsets.UTF_8))).isEqualTo("****");
    assertThat(mask.mask("p\\u00e4\\\"ss")).isEqualTo("****");
    assertThat(mask.mask("p\\u00E4\\u0022ss")).isEqualTo("****");
  }

  @Test
  void basicCredentials_areMasked() {
    SecretMask mask = SecretMask.none().withBasicCredentials("partner-1", SECRET);
    String basic = Base64.getEncoder()
        .encodeToString(("partner-1:" + SECRET).getBytes(StandardCharsets.UTF_8));

    assertThat(mask.mask("Authorization: Basic " + basic)).isEqualTo("Authorization: Basic ****");
  }

  @Test
  void otherText_isLeftAlone() {
    assertThat(MASK.mask("a b c / = + %2B")).isEqualTo("a b c / = + %2B");
    assertThat(MASK.reveals("nothing here")).isFalse();
    assertThat(SecretMask.none().with(null).with("").mask("text")).isEqualTo("text");
  }

  /** Issue 15 (H): nothing printed may drive the terminal. */
  @Test
  void forTerminal_escapesControlAndFormatCharacters_butKeepsTabsAndNewlines() {
    String hostile = "x\u001b]0;title\u0007y\rz\u007f\u009b\u202e\tend\n";

    assertThat(SecretMask.none().forTerminal(hostile))
        .isEqualTo("x\\u001b]0;title\\u0007y\\u000dz\\u007f\\u009b\\u202e\tend\n");
  }
}
