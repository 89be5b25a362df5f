package io.github.poaauth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MaskingOutputStreamTest {

  @Test
  void aSecretSplitOverTwoWrites_isStillMasked() {
    ByteArrayOutputStream target = new ByteArrayOutputStream();
    PrintStream stream = MaskingOutputStream.printStream(target, SecretMask.none().with("Split-Me"));

    stream.print("body: client_secret=Spl");
    stream.flush();
    stream.print("it-Me&grant_type=client_credentials\u001b[2J");
    stream.println();
    stream.print("last line without its end Split-Me");
    stream.close();

    assertThat(target.toString(StandardCharsets.UTF_8)).isEqualTo(
        "body: client_secret=****&grant_type=client_credentials\\u001b[2J" + System.lineSeparator()
            + "last line without its end ****");
  }
}
