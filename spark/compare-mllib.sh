#!/usr/bin/env bash
# Nabla's NablaClassifier against Spark MLlib's MultilayerPerceptronClassifier on Fashion-MNIST, in one local[cores]
# Spark session on the same layers and DataFrame: per epoch, the training wall time and the test accuracy of both, as
# a table (how epochs are counted and timed: spark/src/test/java/dev/nabla/spark/CompareMllib.java).
#
# A benchmark, not a test (the default suite never runs it): run it on a quiet machine.
#   spark/compare-mllib.sh                                        # 60000 rows, 10 epochs, local[2], 784-128-10
#   spark/compare-mllib.sh --rows 2000 --test-rows 500 --epochs 1  # a quick check that it runs
# Options: --rows --test-rows --epochs --cores --partitions (default: one per core) --hidden --block --step --activation --optimizer --seed --backend --data
#   --local-steps k (Nabla's averaging mode) --mllib-epochs false (no MLlib per epoch) --mllib-iters 100 (MLlib at
#   its default maxIter, and when Nabla reached its accuracy)
# NABLA_MVN_FLAGS=-o builds offline; JAVA_HOME picks the JDK (17+).
set -euo pipefail
cd "$(dirname "$0")/.."

# compile the module and its tests, and write their class path (reactor modules resolve to their target/ folders)
mvn -B -ntp ${NABLA_MVN_FLAGS:-} -q -pl spark -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/compare-classpath.txt -Dmdep.includeScope=test

# the flags spark/pom.xml gives its tests: the Vector API, and the --add-opens Spark needs on JDK 17+
flags=(-XX:+IgnoreUnrecognizedVMOptions --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true
  -Dspark.driver.host=127.0.0.1 -Dspark.driver.bindAddress=127.0.0.1 -Xss4m "-Xmx${NABLA_COMPARE_HEAP:-8g}")

cp="spark/target/test-classes:spark/target/classes:$(cat spark/target/compare-classpath.txt)"
exec "${JAVA_HOME:+$JAVA_HOME/bin/}java" "${flags[@]}" -cp "$cp" dev.nabla.spark.CompareMllib "$@"
