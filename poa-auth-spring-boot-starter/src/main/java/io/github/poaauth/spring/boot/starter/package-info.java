/**
 * The POA token starter for Spring Boot: a dependency only, as Spring Boot's own starters are.
 * It brings {@code poa-auth-client} and {@code poa-auth-spring-boot-autoconfigure}; with
 * {@code poa.auth.base-url}, {@code poa.auth.client-id} and {@code poa.auth.client-secret} set,
 * the application has a {@code PoaTokenProvider} and its OpenFeign, {@code RestClient} and
 * {@code WebClient} clients send POA's bearer token to POA's API hosts. This package holds no
 * code beyond {@link io.github.poaauth.spring.boot.starter.PoaAuthStarter}, which names the three
 * properties; it documents the artifact (Maven Central wants sources and Javadoc for every jar).
 */
package io.github.poaauth.spring.boot.starter;
