/**
 * A real Keycloak configured like POA's, for tests (poa-auth-keycloak-support, profile
 * {@code keycloak}, never shipped): {@link io.github.poaauth.keycloak.support.KeycloakServer}
 * runs the distribution the build unpacked with the realm
 * {@link io.github.poaauth.keycloak.support.CybrillartaRealm};
 * {@link io.github.poaauth.keycloak.support.TokenPathGateway} serves POA's token path in front of
 * Keycloak's; {@link io.github.poaauth.keycloak.support.PoaKeycloak} is the two together, one per
 * test JVM through {@link io.github.poaauth.keycloak.support.KeycloakExtension};
 * {@link io.github.poaauth.keycloak.support.JwksProtectedApi} is a POA API stand-in that accepts
 * only the realm's tokens. Used by poa-auth-keycloak-tests and poa-auth-spring-boot-sample.
 */
package io.github.poaauth.keycloak.support;
