package dev.nabla.aparapi;

import com.aparapi.device.OpenCLDevice;
import dev.nabla.contract.NoSkipOnCi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Device selection by index or by a piece of the name, platform or vendor. */
@ExtendWith(NoSkipOnCi.class)
class AparapiDevicesTest {
    @Test
    void choosesByIndexOrName() {
        AparapiDevices.Choice choice = AparapiDevices.choose();
        assumeTrue(choice.device() != null, "no OpenCL device for Aparapi here: " + choice.problem());
        List<OpenCLDevice> all = AparapiDevices.list();
        OpenCLDevice first = all.get(0);
        assertSame(first, AparapiDevices.match(all, "0"));
        assertSame(first, AparapiDevices.match(all, first.getName().toUpperCase(java.util.Locale.ROOT)));
        assertSame(first, AparapiDevices.match(all, first.getOpenCLPlatform().getVendor()));
        assertNull(AparapiDevices.match(all, String.valueOf(all.size())));
        assertNull(AparapiDevices.match(all, "no such device anywhere"));
    }
}
