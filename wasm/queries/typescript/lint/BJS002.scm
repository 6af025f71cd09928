; duplicate object keys
(object (pair key: [(property_identifier) (string) (number)] @key) @pair) @object
