using HexEmu.Domain.Boot;

namespace HexEmu.Domain.Tests.Boot;

/// <summary>-initrd lists as QEMU splits them for Multiboot (get_opt_value: ',' separates, ",," is a comma).</summary>
public class ModuleSpecTests
{
    [Fact]
    public void Items_split_at_commas_and_the_path_ends_at_the_first_space()
    {
        Assert.Equal([new ModuleSpec("/tmp/m1", "/tmp/m1 x y"), new ModuleSpec("/tmp/m2", "/tmp/m2")],
            ModuleSpec.ParseList("/tmp/m1 x y,/tmp/m2"));
    }

    [Fact]
    public void A_doubled_comma_is_a_literal_comma()
    {
        Assert.Equal([new ModuleSpec("a,b", "a,b c,d"), new ModuleSpec("e", "e")], ModuleSpec.ParseList("a,,b c,,d,e"));
    }

    [Fact]
    public void A_trailing_comma_ends_the_list_and_a_leading_one_makes_an_empty_item()
    {
        Assert.Equal([new ModuleSpec("a", "a")], ModuleSpec.ParseList("a,"));
        Assert.Equal([new ModuleSpec("", ""), new ModuleSpec("a", "a")], ModuleSpec.ParseList(",a"));
        Assert.Empty(ModuleSpec.ParseList(""));
    }
}
