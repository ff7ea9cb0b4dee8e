package dev.nabla.spark;

import dev.nabla.InvalidArgumentException;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;

/** Checks of a dataset's columns, with errors that name the user's call, the column and what was found. */
final class Schemas {
    private Schemas() {
    }

    static DataType type(String call, StructType schema, String column) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new InvalidArgumentException(call + ": no column '" + column + "'; the dataset has "
                    + Arrays.toString(schema.fieldNames()));
        }
        return schema.apply(column).dataType();
    }

    static void requireVector(String call, StructType schema, String column) {
        DataType t = type(call, schema, column);
        if (!t.equals(SQLDataTypes.VectorType())) {
            throw new InvalidArgumentException(call + ": column '" + column + "' must be of type "
                    + SQLDataTypes.VectorType().simpleString() + " (org.apache.spark.ml.linalg.Vector), got "
                    + t.simpleString());
        }
    }

    static void requireNumeric(String call, StructType schema, String column) {
        DataType t = type(call, schema, column);
        if (!(t instanceof NumericType)) {
            throw new InvalidArgumentException(call + ": column '" + column + "' must be numeric, got "
                    + t.simpleString());
        }
    }

    static StructType append(String call, StructType schema, StructField field) {
        if (Arrays.asList(schema.fieldNames()).contains(field.name())) {
            throw new InvalidArgumentException(call + ": output column '" + field.name()
                    + "' already exists in the dataset");
        }
        return schema.add(field);
    }
}
