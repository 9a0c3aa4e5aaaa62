package io.mrm.kafka.durability;

/** MRM's topics, or the settings they are made with, would not survive the loss of a site. */
public class WeakDurabilityException extends IllegalArgumentException {

    public WeakDurabilityException(String message) {
        super(message);
    }
}
