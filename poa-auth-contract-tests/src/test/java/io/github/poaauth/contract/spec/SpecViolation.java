package io.github.poaauth.contract.spec;

import com.atlassian.oai.validator.report.ValidationReport.Message;
import com.atlassian.oai.validator.report.ValidationReport.MessageContext;
import com.atlassian.oai.validator.report.ValidationReport.MessageContext.Pointers;
import java.util.stream.Collectors;

/**
 * One disagreement between a pact interaction and the OpenAPI document.
 *
 * @param pactFile    the pact file's name
 * @param interaction the interaction's description
 * @param where       {@code request}, {@code request body}, {@code response body}, ...
 * @param key         the validator's message key, e.g. {@code validation.response.body.schema.required}
 * @param pointer     JSON pointer into the body, empty when the message names the field itself
 * @param message     the validator's message, which names the field, parameter or path
 */
public record SpecViolation(String pactFile, String interaction, String where, String key,
    String pointer, String message) {

  static SpecViolation of(PactInteraction interaction, Message message) {
    String key = message.getKey();
    String pointer = message.getContext()
        .flatMap(MessageContext::getPointers)
        .map(Pointers::getInstance)
        .filter(p -> !p.isEmpty() && !p.equals("/"))
        .orElse("");
    String text = message.getMessage();
    if (!message.getAdditionalInfo().isEmpty()) {
      text += " (" + String.join("; ", message.getAdditionalInfo()) + ")";
    }
    if (!message.getNestedMessages().isEmpty()) {
      text += message.getNestedMessages().stream().map(Message::getMessage)
          .collect(Collectors.joining("; ", " [", "]"));
    }
    return new SpecViolation(interaction.pactFile(), interaction.description(), where(key), key,
        pointer, text);
  }

  /** "request body" from "validation.request.body.schema.required", and so on. */
  private static String where(String key) {
    String[] parts = key.split("\\.");
    if (parts.length >= 3 && (parts[1].equals("request") || parts[1].equals("response"))) {
      return switch (parts[2]) {
        case "body", "parameter", "header" -> parts[1] + " " + parts[2];
        case "contentType" -> parts[1] + " Content-Type";
        case "accept" -> parts[1] + " Accept";
        default -> parts[1];
      };
    }
    return "interaction";
  }

  @Override
  public String toString() {
    return "interaction '" + interaction + "' (" + pactFile + "), " + where
        + (pointer.isEmpty() ? "" : " at " + pointer) + ": " + message + " [" + key + "]";
  }
}
