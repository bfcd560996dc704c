import { Controller, Dependencies, Get, Put, Bind, Param, Body } from '@nestjs/common';
import tracer from 'dd-trace';
import { StockService } from './stock.service';

@Controller('stock')
@Dependencies(StockService)
export class StockController {
  constructor(stock) {
    this.stock = stock;
  }

  @Get(':sku') // expect: entrypoints-node
  @Bind(Param('sku'))
  level(sku) {
    return this.stock.level(sku);
  }

  @Put(':sku') // expect: entrypoints-node
  @Bind(Param('sku'), Body())
  adjust(sku, body) {
    return tracer.trace('stock.adjust', () => this.stock.adjust(sku, body.delta));
  }

  refresh() {
    return this.stock.refresh();
  }
}
