package io.hybridmesh.jni.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class that needs the real kernel: root, working BPF, tracefs. Before its tests run the
 * class is skipped with the reason when those are missing, or failed when the system property {@code
 * hmesh.requireKernel} is {@code true} (CI sets it, so a broken machine cannot pass by skipping). What a
 * test needs beyond that (a cgroup v2 mount, a tool) it asks of {@link Requirements}, with the same rule.
 */
@Documented
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(KernelTestExtension.class)
public @interface KernelTest {}
